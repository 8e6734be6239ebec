/**
 * `npm run bench [-- --group <name>[,<name>…]] [--no-write]`: runs benchmark groups, prints
 * their tables and writes them, with the machine and the commands, to BENCHMARKS.md.
 * Each group lives in its own file and exports `run(ctx): Promise<BenchSection>`.
 */
import { cpus, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

export interface BenchSection {
  title: string;
  /** Markdown: tables and one-line explanations. */
  body: string;
}

export interface BenchContext {
  dataDir: string | undefined;
  log: (msg: string) => void;
}

const groups: Record<string, { file: string; load: () => Promise<{ run(ctx: BenchContext): Promise<BenchSection> }> }> = {
  hub: { file: 'bench/hub.ts', load: () => import('./hub.ts') },
  capture: { file: 'bench/capture.ts', load: () => import('./capture.ts') },
  vision: { file: 'bench/vision.ts', load: () => import('./vision.ts') },
  coverage: { file: 'bench/coverage.ts', load: () => import('./coverage.ts') },
};

function machine(): string {
  const cpu = cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- node: ${process.version}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { group: { type: 'string' }, 'no-write': { type: 'boolean', default: false }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(`usage: npm run bench -- [--group ${Object.keys(groups).join(',')}] [--no-write]`);
    return;
  }
  const selected = values.group ? values.group.split(',') : Object.keys(groups);
  const unknown = selected.filter((g) => !(g in groups));
  if (unknown.length > 0) {
    console.error(`bench: unknown group(s) ${unknown.join(', ')}; known: ${Object.keys(groups).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const ctx: BenchContext = { dataDir: process.env.ANYU_DATA_DIR, log: (m) => console.error(`[bench] ${m}`) };
  const sections: BenchSection[] = [];
  for (const name of selected) {
    const group = groups[name]!;
    const started = Date.now();
    ctx.log(`group ${name} (${group.file})…`);
    const section = await (await group.load()).run(ctx);
    section.body += `\n\n_Group ran in ${((Date.now() - started) / 1000).toFixed(0)} s: \`npm run bench -- --group ${name}\`_`;
    console.log(`\n## ${section.title}\n\n${section.body}\n`);
    sections.push(section);
  }
  if (!values['no-write']) {
    await writeBenchmarks(sections.map((s, i) => ({ ...s, group: selected[i]! })));
    ctx.log('wrote BENCHMARKS.md');
  }
}

/** Replaces the sections of the groups that ran, keeps the others from the last run. */
async function writeBenchmarks(sections: (BenchSection & { group: string })[]): Promise<void> {
  const previous = await readFile('BENCHMARKS.md', 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const kept = new Map<string, string>();
  for (const m of previous.matchAll(/<!-- group:(\w+) -->\n([\s\S]*?)<!-- \/group -->/g)) kept.set(m[1]!, m[2]!);
  for (const s of sections) {
    kept.set(s.group, `## ${s.title}\n\n_Measured on:_\n${machine()}\n\n${s.body}\n`);
  }
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (see bench/README.md). Figures are medians over repeated runs;',
    'comparisons against peers are measured side by side in the same run and given as ratios.',
    'These machines are shared and noisy: re-run before quoting a figure elsewhere.',
    '',
    ...Object.keys(groups)
      .filter((g) => kept.has(g))
      .map((g) => `<!-- group:${g} -->\n${kept.get(g)}<!-- /group -->\n`),
  ].join('\n');
  await writeFile('BENCHMARKS.md', doc);
}

await main();
