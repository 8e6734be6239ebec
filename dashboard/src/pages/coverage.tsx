/**
 * The regulator's district port (indicator 16, 云监管覆盖率): the 2024 and 2027 targets,
 * the trend day by day (overall, 二级及以上, by level and by town), the groups of the
 * period, a sortable table of institutions with drill-down (`#/coverage/<id>`), incident
 * counts by kind and town (no snapshots, no children's data) and CSV export. Dates are in
 * the institutions' time zone.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { IncidentKind } from '../../../protocol/incident.ts';
import type { CoverageInstitution, CoverageReport, StatsResponse } from '../../../protocol/api.ts';
import { enumLabel, useI18n, type MessageKey } from '../i18n.ts';
import { regionName, useSession } from '../session.ts';
import { KIND_COLOUR, percent } from '../format.ts';
import { download } from '../download.ts';
import { navigate } from '../router.ts';
import { DateRangeForm, lastDays, type DateRange } from './date-range.tsx';
import { useChartJs } from './charts.tsx';
import { errorText } from './error-text.ts';

type SortKey = 'name' | 'level' | 'town' | 'cameras' | 'daysCovered' | 'share' | 'gaps';
const LEVEL_ORDER = ['city_demo', 'level1', 'level2', 'level3', 'unrated'];
const TREND_COLOURS = ['#2e86ab', '#f46036', '#7b2cbf', '#2a9d5b', '#c9a227', '#d7263d', '#6c757d', '#14395b'];

function DemoMark() {
  const { t } = useI18n();
  return <span class="chip demo" data-demo>{t('demoData')}</span>;
}

/** Shares per day of the trend as a line chart: overall, 二级及以上, and one line per town. */
function TrendChart({ report }: { report: CoverageReport }) {
  const session = useSession();
  const { t, lang } = useI18n();
  const Chart = useChartJs();
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!Chart || !ref.current) return;
    const share = (c: { institutions: number; covered: number } | undefined) => (c && c.institutions > 0 ? (c.covered / c.institutions) * 100 : null);
    const towns = report.byTown.map((g) => g.key);
    const datasets = [
      { label: t('trendAll'), data: report.trend.map((d) => share(d.all)), borderColor: '#1d2430', borderWidth: 3 },
      { label: t('trendLevel2'), data: report.trend.map((d) => share(d.level2AndAbove)), borderColor: '#0f6e66', borderWidth: 3, borderDash: [6, 4] },
      ...towns.map((town, n) => ({
        label: regionName(session, town, lang),
        data: report.trend.map((d) => share(d.byTown[town])),
        borderColor: TREND_COLOURS[n % TREND_COLOURS.length]!,
        borderWidth: 1.5,
      })),
    ].map((ds) => ({ ...ds, backgroundColor: ds.borderColor, pointRadius: 0, tension: 0.2, spanGaps: true }));
    const canvas = ref.current;
    const chart = new Chart(canvas, {
      type: 'line',
      data: { labels: report.trend.map((d) => d.date.slice(5)), datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 14 } } },
      },
    });
    canvas.dataset.drawn = 'true';
    return () => chart.destroy();
  }, [Chart, report, lang, session.regions]);
  return <div class="chart-box"><canvas ref={ref} data-chart="coverage-trend" /></div>;
}

function IncidentStats({ stats }: { stats: StatsResponse }) {
  const session = useSession();
  const { t, lang } = useI18n();
  const kinds = IncidentKind.options.filter((k) => stats.byTown.some((r) => r.kind === k));
  const towns = [...new Set(stats.byTown.map((r) => r.townId))];
  const count = (town: string, kind: string) => stats.byTown.find((r) => r.townId === town && r.kind === kind)?.count ?? 0;
  return (
    <div class="card table-wrap" data-section="incident-stats">
      <h3 class="pad">{t('incidentStats')}</h3>
      {towns.length === 0 ? (
        <p class="pad muted">{t('noIncidents')}</p>
      ) : (
        <table class="log compact">
          <thead>
            <tr><th>{t('town')}</th>{kinds.map((k) => <th key={k}><i class="swatch" style={{ background: KIND_COLOUR[k] }} /> {enumLabel(t, 'kind', k)}</th>)}<th>{t('sum')}</th></tr>
          </thead>
          <tbody>
            {towns.map((town) => (
              <tr key={town} data-town={town}>
                <td>{regionName(session, town, lang)}</td>
                {kinds.map((k) => <td key={k}>{count(town, k)}</td>)}
                <td><strong>{kinds.reduce((s, k) => s + count(town, k), 0)}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CoveragePage() {
  const session = useSession();
  const { api, timeZone } = session;
  const { t, lang } = useI18n();
  const [range, setRange] = useState<DateRange>(() => lastDays(30, timeZone));
  const [report, setReport] = useState<CoverageReport | null>(null);
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'share', desc: false });

  useEffect(() => {
    api.coverage(range.from, range.to).then(
      (r) => (setReport(r), setError(null)),
      (e: unknown) => setError(errorText(t, e)),
    );
    api.stats(range.from, range.to).then(setStats, (e: unknown) => console.warn('stats', e));
  }, [range]);

  const exportCsv = async (): Promise<void> => {
    try {
      download(await api.coverageCsv(range.from, range.to, lang), `anyu-coverage-${range.from}-${range.to}.csv`);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const target = (key: MessageKey, g: CoverageReport['targets']['all']) => (
    <div class={`card target ${g.met ? 'met' : 'not-met'}`} data-target={key}>
      <span>{t(key)}</span>
      <strong>{percent(g.share)}</strong>
      <span>{g.covered} / {g.institutions} · {g.met ? t('met') : t('notMet')}</span>
    </div>
  );
  const groupTable = (title: MessageKey, rows: CoverageReport['byLevel'], label: (k: string) => string, attr: string) => (
    <div class="card" data-section={attr}>
      <h3>{t(title)}</h3>
      <table>
        <tbody>
          {rows.map((g) => (
            <tr key={g.key} data-group={g.key}>
              <td>{label(g.key)}</td>
              <td>{g.covered} / {g.institutions}</td>
              <td><div class="bar"><i style={{ width: `${g.share * 100}%` }} /></div></td>
              <td>{percent(g.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  const sortValue = (i: CoverageInstitution): string | number => {
    switch (sort.key) {
      case 'name': return i.name;
      case 'level': return LEVEL_ORDER.indexOf(i.level);
      case 'town': return regionName(session, i.townId, lang);
      case 'cameras': return i.cameras;
      case 'daysCovered': return i.daysCovered;
      case 'share': return i.share;
      case 'gaps': return i.gaps.length;
    }
  };
  const sorted = report
    ? [...report.institutions].sort((a, b) => {
        const x = sortValue(a);
        const y = sortValue(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), lang);
        return (sort.desc ? -c : c) || a.name.localeCompare(b.name, lang);
      })
    : [];
  const header = (key: SortKey, label: MessageKey) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" data-sort={key} title={t('sortBy')} onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : false })}>
        {t(label)} {sort.key === key ? (sort.desc ? '▼' : '▲') : ''}
      </button>
    </th>
  );

  return (
    <section class="coverage">
      <h2 class="page-title">{t('indicator16')}</h2>
      <DateRangeForm value={range} onApply={setRange} timeZone={timeZone}>
        <button type="button" data-action="export-coverage" onClick={() => void exportCsv()}>{t('exportCoverage')}</button>
      </DateRangeForm>
      {error && <p class="error" role="alert">{error}</p>}
      {!report ? (
        !error && <p>{t('loading')}</p>
      ) : (
        <>
          {report.demo && <p class="demo-banner" data-demo-banner>{t('demoBanner')}</p>}
          <div class="targets">
            {target('target2024', report.targets.level2AndAbove)}
            {target('target2027', report.targets.all)}
          </div>
          <div class="card chart-card">
            <h3>{t('trend')}</h3>
            <TrendChart report={report} />
          </div>
          <div class="chart-grid even">
            {groupTable('byLevel', report.byLevel, (k) => enumLabel(t, 'lvl', k), 'by-level')}
            {groupTable('byTown', report.byTown, (k) => regionName(session, k, lang), 'by-town')}
          </div>
          <div class="card table-wrap">
            <table class="log" data-table="institutions">
              <thead>
                <tr>
                  {header('name', 'institution')}{header('level', 'level')}{header('town', 'town')}{header('cameras', 'cameras')}
                  {header('daysCovered', 'daysCovered')}{header('share', 'share')}{header('gaps', 'gapDays')}
                </tr>
              </thead>
              <tbody>
                {sorted.length === 0 && <tr><td colSpan={7} class="empty">{t('empty')}</td></tr>}
                {sorted.map((i) => (
                  <tr key={i.institutionId} data-institution={i.institutionId} class="clickable" onClick={() => navigate('coverage', i.institutionId)}>
                    <td><a href={`#/coverage/${encodeURIComponent(i.institutionId)}`}>{i.name}</a> {i.demo && <DemoMark />}</td>
                    <td>{enumLabel(t, 'lvl', i.level)}</td>
                    <td>{regionName(session, i.townId, lang)}</td>
                    <td>{i.cameras}</td>
                    <td>{i.daysCovered} / {i.days}</td>
                    <td data-field="share">{percent(i.share)}</td>
                    <td>{i.gaps.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {stats && <IncidentStats stats={stats} />}
        </>
      )}
    </section>
  );
}
