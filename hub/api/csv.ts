/**
 * CSV exports (incidents, coverage): csv-stringify with a BOM so spreadsheet programs read
 * UTF-8 Chinese, and `escape_formulas`: a cell starting with = + - @ tab or CR gets a
 * leading ' (OWASP "CSV injection"), so a message an edge wrote, a note an admin wrote or
 * an institution name a regulator typed never runs as a spreadsheet formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

export function sendCsv(reply: FastifyReply, filename: string, columns: readonly string[], rows: readonly unknown[][]): FastifyReply {
  const csv = stringify(rows as unknown[][], {
    bom: true,
    header: true,
    escape_formulas: true,
    columns: [...columns],
    cast: { boolean: (v) => (v ? 'true' : 'false') },
  });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
}
