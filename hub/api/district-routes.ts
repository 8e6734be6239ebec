/**
 * The regulator's district port beside the coverage report: display names of towns and
 * districts, and the coverage of a period as CSV (one row per institution, in the
 * reader's language, formulas escaped; audited like every export).
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CoverageQuery, ErrorBody, RegionView, type CoverageInstitution, type GapReason, type RatingLevel } from '../../protocol/index.ts';
import { HubError } from '../errors.ts';
import { checkRange } from './catalog-routes.ts';
import { currentUser, requireRole, scopeOf } from './access.ts';
import { sendCsv } from './csv.ts';

const CsvLang = z.enum(['zh-CN', 'en']).default('zh-CN');
const ExportQuery = CoverageQuery.extend({ lang: CsvLang });

/** Column titles and level names of the CSV; the dashboard's catalogue holds the same words. */
const WORDS = {
  'zh-CN': {
    columns: ['机构编号', '机构名称', '评级', '镇街编号', '镇街', '时区', '摄像头数', '天数', '覆盖天数', '覆盖率', '未覆盖日期及原因', '演示数据'],
    levels: { city_demo: '市级示范', level1: '一级', level2: '二级', level3: '三级', unrated: '未评级' },
    yes: '是',
    no: '否',
  },
  en: {
    columns: ['institution id', 'institution', 'rating', 'town id', 'town', 'time zone', 'cameras', 'days', 'days covered', 'share', 'uncovered days and reasons', 'demo data'],
    levels: { city_demo: 'City demonstration', level1: 'Level 1', level2: 'Level 2', level3: 'Level 3', unrated: 'Unrated' },
    yes: 'yes',
    no: 'no',
  },
} as const satisfies Record<z.infer<typeof CsvLang>, { columns: readonly string[]; levels: Record<RatingLevel, string>; yes: string; no: string }>;

/** A gap reason as its stable code (with the camera and share where it has them): for spreadsheets, not prose. */
function reasonCode(r: GapReason): string {
  switch (r.code) {
    case 'camera_unmapped':
      return `camera_unmapped(${r.cameraId})`;
    case 'camera_online_share':
      return `camera_online_share(${r.cameraId} ${Math.round(r.share * 100)}%<${Math.round(r.needed * 100)}%)`;
    default:
      return r.code;
  }
}

function gapsText(i: CoverageInstitution): string {
  return i.gaps.map((g) => `${g.date}: ${g.reasons.map(reasonCode).join(' ')}`).join('; ');
}

export const districtRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, actions } = app;

  app.get('/regions', {
    preHandler: requireRole('supervisor', 'institution_admin', 'regulator'),
    schema: { tags: ['catalog'], response: { 200: z.array(RegionView), 401: ErrorBody, 403: ErrorBody } },
  }, async (request) => store.listRegions(scopeOf(currentUser(request))));

  app.get('/coverage/export.csv', {
    preHandler: requireRole('regulator', 'institution_admin'),
    schema: {
      tags: ['coverage'],
      querystring: ExportQuery,
      response: { 200: z.string().describe('UTF-8 CSV with BOM'), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    if (!app.coverage) throw new HubError('NOT_AVAILABLE', 'coverage is not available on this hub');
    const { lang, ...query } = request.query;
    checkRange(query.from, query.to);
    const user = currentUser(request);
    const scope = scopeOf(user);
    const [report, regions] = await Promise.all([app.coverage(store, scope, query), store.listRegions(scope)]);
    const words = WORDS[lang];
    const townName = new Map(regions.map((r) => [r.id, lang === 'en' ? (r.nameEn ?? r.name) : r.name]));
    const rows = report.institutions.map((i) => [
      i.institutionId,
      i.name,
      words.levels[i.level],
      i.townId,
      townName.get(i.townId) ?? i.townId,
      i.timeZone,
      i.cameras,
      i.days,
      i.daysCovered,
      i.share.toFixed(4),
      gapsText(i),
      i.demo ? words.yes : words.no,
    ]);
    await actions.audit(user, 'coverage.export', 'export:coverage', user.institutionId, { rows: rows.length, query: request.query });
    return sendCsv(reply, `anyu-coverage-${query.from}-${query.to}.csv`, words.columns, rows);
  });
};
