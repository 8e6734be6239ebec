import { readFile, writeFile } from 'node:fs/promises';

/** Replaces what stands between two marker comments of a Markdown file (model README, model card). */
export async function writeBetweenMarkers(path: string, start: string, end: string, body: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} lacks the ${start} … ${end} markers`);
  await writeFile(path, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}
