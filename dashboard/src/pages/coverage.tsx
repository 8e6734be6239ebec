/** Regulators' 云监管 coverage (indicator 16): targets, by level, by town, per institution. */
import { useEffect, useState } from 'preact/hooks';
import type { CoverageReport } from '../../../protocol/api.ts';
import { enumLabel, useI18n, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.ts';
import { percent } from '../format.ts';
import { DateRangeForm, lastDays, type DateRange } from './date-range.tsx';
import { errorText } from './error-text.ts';

export function CoveragePage() {
  const { api } = useSession();
  const { t } = useI18n();
  const [range, setRange] = useState<DateRange>(() => lastDays(30));
  const [report, setReport] = useState<CoverageReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.coverage(range.from, range.to).then(
      (r) => (setReport(r), setError(null)),
      (e: unknown) => setError(errorText(t, e)),
    );
  }, [range]);

  const target = (key: MessageKey, g: CoverageReport['targets']['all']) => (
    <div class={`card target ${g.met ? 'met' : 'not-met'}`} data-target={key}>
      <span>{t(key)}</span>
      <strong>{percent(g.share)}</strong>
      <span>{g.covered} / {g.institutions} · {g.met ? t('met') : t('notMet')}</span>
    </div>
  );
  const groupTable = (title: MessageKey, rows: CoverageReport['byLevel'], label: (k: string) => string) => (
    <div class="card">
      <h3>{t(title)}</h3>
      <table>
        <tbody>
          {rows.map((g) => (
            <tr key={g.key}>
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

  return (
    <section class="coverage">
      <DateRangeForm value={range} onApply={setRange} />
      {error && <p class="error" role="alert">{error}</p>}
      {!report ? (
        !error && <p>{t('loading')}</p>
      ) : (
        <>
          <div class="targets">
            {target('target2024', report.targets.level2AndAbove)}
            {target('target2027', report.targets.all)}
          </div>
          <div class="chart-grid">
            {groupTable('byLevel', report.byLevel, (k) => enumLabel(t, 'lvl', k))}
            {groupTable('byTown', report.byTown, (k) => k)}
          </div>
          <div class="card table-wrap">
            <table class="log">
              <thead>
                <tr><th>{t('institution')}</th><th>{t('level')}</th><th>{t('town')}</th><th>{t('daysCovered')}</th><th>{t('share')}</th><th>{t('gaps')}</th></tr>
              </thead>
              <tbody>
                {report.institutions.length === 0 && <tr><td colSpan={6} class="empty">{t('empty')}</td></tr>}
                {report.institutions.map((i) => (
                  <tr key={i.institutionId} data-institution={i.institutionId}>
                    <td>{i.name}</td>
                    <td>{enumLabel(t, 'lvl', i.level)}</td>
                    <td>{i.townId}</td>
                    <td>{i.daysCovered} / {i.days}</td>
                    <td>{percent(i.share)}</td>
                    <td class="gaps">
                      {i.gaps.slice(-5).reverse().map((g) => <div key={g.date}>{g.date}: {g.reasons.join('；')}</div>)}
                      {i.gaps.length > 5 && <div>… +{i.gaps.length - 5}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
