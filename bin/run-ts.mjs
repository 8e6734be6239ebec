#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, evaluations, training) through tsx:
// `node bin/run-ts.mjs <file.ts> [args…]`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { nodeVersionProblem } from './node-version.mjs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bin/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
register();
process.argv = [process.argv[0], resolve(file), ...rest];
await import(pathToFileURL(resolve(file)).href);
