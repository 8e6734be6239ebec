/** Incidents per day by kind (stacked bars) and time to acknowledge, from `/api/stats`. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Chart as ChartClass } from 'chart.js';
import type { StatsResponse } from '../../../protocol/api.ts';
import { IncidentKind } from '../../../protocol/incident.ts';
import { enumLabel, useI18n } from '../i18n.ts';
import { useSession } from '../session.ts';
import { KIND_COLOUR, formatDuration } from '../format.ts';
import { DateRangeForm, datesOf, lastDays, type DateRange } from './date-range.tsx';
import { errorText } from './error-text.ts';

/** Chart.js is loaded on first use so the live wall, the page that must be fast, never carries it. */
export function useChartJs(): typeof ChartClass | null {
  const [chart, setChart] = useState<typeof ChartClass | null>(null);
  useEffect(() => {
    let cancelled = false;
    import('./chart-setup.ts').then(
      (m) => {
        if (!cancelled) setChart(() => m.Chart);
      },
      (err: unknown) => console.error('chart.js failed to load', err),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return chart;
}

export function ChartsPage() {
  const { api, timeZone } = useSession();
  const { t, lang } = useI18n();
  const [range, setRange] = useState<DateRange>(() => lastDays(14, timeZone));
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const perDayRef = useRef<HTMLCanvasElement>(null);
  const ackRef = useRef<HTMLCanvasElement>(null);
  const Chart = useChartJs();

  useEffect(() => {
    api.stats(range.from, range.to).then(
      (s) => (setStats(s), setError(null)),
      (e: unknown) => setError(errorText(t, e)),
    );
  }, [range]);

  useEffect(() => {
    if (!Chart || !stats || !perDayRef.current) return;
    const days = datesOf(range);
    const datasets = IncidentKind.options
      .map((kind) => ({
        label: enumLabel(t, 'kind', kind),
        backgroundColor: KIND_COLOUR[kind],
        data: days.map((d) => stats.perDay.find((p) => p.date === d && p.kind === kind)?.count ?? 0),
      }))
      .filter((ds) => ds.data.some((n) => n > 0));
    const canvas = perDayRef.current;
    const chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: days.map((d) => d.slice(5)), datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    canvas.dataset.drawn = 'true';
    return () => chart.destroy();
  }, [Chart, stats, lang]);

  useEffect(() => {
    if (!Chart || !stats || !ackRef.current) return;
    const chart = new Chart(ackRef.current, {
      type: 'bar',
      data: {
        labels: [t('median'), t('p90')],
        datasets: [{ label: t('ackTime'), backgroundColor: ['#2e86ab', '#f46036'], data: [stats.ackSeconds.median ?? 0, stats.ackSeconds.p90 ?? 0] }],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, title: { display: true, text: t('seconds', { n: '' }).trim() } } },
      },
    });
    return () => chart.destroy();
  }, [Chart, stats, lang]);

  const fmt = (v: number | null): string => (v === null ? '–' : formatDuration(t, v));
  return (
    <section class="charts">
      <DateRangeForm value={range} onApply={setRange} timeZone={timeZone} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="chart-grid">
        <div class="card chart-card">
          <h3>{t('perDay')}</h3>
          <div class="chart-box"><canvas ref={perDayRef} data-chart="per-day" /></div>
        </div>
        <div class="card chart-card">
          <h3>{t('ackTime')}</h3>
          {stats && (
            <div class="tiles">
              <div><span>{t('median')}</span><strong data-stat="median">{fmt(stats.ackSeconds.median)}</strong></div>
              <div><span>{t('p90')}</span><strong>{fmt(stats.ackSeconds.p90)}</strong></div>
              <div><span>{t('ackN', { n: stats.ackSeconds.n })}</span></div>
            </div>
          )}
          <div class="chart-box small"><canvas ref={ackRef} data-chart="ack" /></div>
        </div>
      </div>
    </section>
  );
}
