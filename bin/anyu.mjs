#!/usr/bin/env node
// Entry point for `npx anyu <command>`: registers tsx so the TypeScript sources run
// without a build step, then hands over to the command dispatcher.
import { register } from 'tsx/esm/api';
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem();
if (problem) {
  console.error(`anyu: ${problem}`);
  process.exit(1);
}
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
