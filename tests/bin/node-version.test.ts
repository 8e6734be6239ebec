/** The Node.js version check run first by bin/anyu.mjs and bin/run-ts.mjs. */
import { describe, expect, it } from 'vitest';
import { MIN_NODE, nodeVersionProblem } from '../../bin/node-version.mjs';
import pkg from '../../package.json' with { type: 'json' };

describe('nodeVersionProblem', () => {
  it('accepts 20.19 and newer, including later majors', () => {
    for (const v of ['20.19.0', 'v20.19.0', '20.20.2', '21.0.0', '22.12.0', '24.1.0']) expect(nodeVersionProblem(v), v).toBeNull();
  });

  it('refuses older versions with a sentence naming both versions', () => {
    for (const v of ['20.18.3', '20.10.0', '18.20.4', 'v16.0.0']) {
      const problem = nodeVersionProblem(v);
      expect(problem, v).toMatch(/Anyu needs Node\.js 20\.19\.0 or newer/);
      expect(problem).toContain(`this is ${v}`);
    }
  });

  it('says so when the version cannot be read', () => {
    expect(nodeVersionProblem('banana')).toMatch(/cannot read the Node\.js version "banana"/);
  });

  it('passes on the Node.js running the tests, and agrees with package.json engines', () => {
    expect(nodeVersionProblem()).toBeNull();
    expect(pkg.engines.node).toBe(`>=${MIN_NODE.replace(/\.0$/, '')}`);
  });
});
