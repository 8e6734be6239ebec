/** `anyu hub --subsidy-rules <file>`: the district's rules reach the report; a bad file is a usage error naming the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHubArgs, UsageError } from '../../hub/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'anyu-rules-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('--subsidy-rules', () => {
  it('reads YAML and JSON, defaults the rest', () => {
    const y = parseHubArgs(['--subsidy-rules', file('r.yaml', 'rates:\n  infant: 1000\n  toddler_small: 800\nfullMonthDays: 16\n')], {});
    expect(y.build.subsidyRules).toEqual({ fullDayHours: 8, halfDayHours: 4, fullMonthDays: 16, rates: { infant: 1000, toddler_small: 800 } });
    const j = parseHubArgs(['--subsidy-rules', file('r.json', '{"fullDayHours": 9}')], {});
    expect(j.build.subsidyRules).toMatchObject({ fullDayHours: 9, rates: {} });
  });

  it('names the bad field, an unknown key, a missing file', () => {
    expect(() => parseHubArgs(['--subsidy-rules', file('bad.yaml', 'rates:\n  infant: -5\n')], {})).toThrow(/rates\.infant/);
    expect(() => parseHubArgs(['--subsidy-rules', file('typo.yaml', 'fullDayHour: 8\n')], {})).toThrow(/fullDayHour/);
    expect(() => parseHubArgs(['--subsidy-rules', file('cls.yaml', 'rates:\n  nursery: 5\n')], {})).toThrow(UsageError);
    expect(() => parseHubArgs(['--subsidy-rules', file('order.yaml', 'fullDayHours: 3\n')], {})).toThrow(/halfDayHours must not exceed/);
    expect(() => parseHubArgs(['--subsidy-rules', join(dir, 'missing.yaml')], {})).toThrow(/ENOENT|no such file/);
  });
});
