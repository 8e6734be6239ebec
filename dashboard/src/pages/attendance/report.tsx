/**
 * The monthly subsidy report of the admin's institution: days attended per child under
 * the district's rules, totals, cross-check flags, CSV, a print view, and submit (then
 * locked). Regulators approve submitted reports on their own page.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CrossCheckFlag, SubsidyReport } from '../../../../protocol/attendance-api.ts';
import { enumLabel, useI18n, type MessageKey } from '../../i18n.ts';
import { roomName, useSession } from '../../session.ts';
import { dateIn } from '../../format.ts';
import { download } from '../../download.ts';
import { apiErrorText } from '../setup/form.tsx';

/** The month before `date`'s month (YYYY-MM): the one a report is due for. */
export function previousMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function ReportSection() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(() => previousMonth(dateIn(Date.now(), s.timeZone)));
  const [report, setReport] = useState<SubsidyReport | null>(null);
  const [flags, setFlags] = useState<CrossCheckFlag[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = async (m: string): Promise<void> => {
    try {
      setReport(await s.api.report(m));
      setFlags(await s.api.crossCheck(`${m}-01`, `${m}-31`));
      setError(null);
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  useEffect(() => void load(month), []);
  const submit = async (): Promise<void> => {
    if (!confirm(t('attSubmitConfirm', { month }))) return;
    try {
      setReport(await s.api.submitReport(month));
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  const csv = async (): Promise<void> => {
    try {
      download(await s.api.reportCsv(month, lang), `anyu-subsidy-${month}.csv`);
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  return (
    <section data-section="report" class="report">
      <form class="filters card no-print" onSubmit={(e) => (e.preventDefault(), void load(month))}>
        <label>{t('attMonth')}<input type="month" name="month" value={month} onInput={(e) => setMonth(e.currentTarget.value)} /></label>
        <div class="actions">
          <button type="submit" class="primary">{t('attShow')}</button>
          <button type="button" data-action="csv" onClick={() => void csv()}>CSV</button>
          <button type="button" data-action="print" onClick={() => print()}>{t('attPrint')}</button>
          {report?.status === 'draft' && <button type="button" class="primary" data-action="submit-report" onClick={() => void submit()}>{t('attSubmit')}</button>}
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <div class="card table-wrap">
          <h2 class="pad">{t('attReportTitle', { month: report.month })}</h2>
          <p class="pad muted">
            <span data-report-status={report.status}>{t(`attStatus_${report.status}` as MessageKey)}</span> ·{' '}
            {t('attRules', { full: report.rules.fullDayHours, half: report.rules.halfDayHours, month: report.rules.fullMonthDays })}
          </p>
          <table class="log" data-table="report">
            <thead>
              <tr><th>{t('attChildId')}</th><th>{t('attName')}</th><th>{t('attClass')}</th><th>{t('attFullDays')}</th><th>{t('attHalfDays')}</th><th>{t('attCountedDays')}</th><th>{t('attFullMonth')}</th><th>{t('attAmount')}</th></tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.childId} data-row={r.childId}>
                  <td class="mono" translate={false}>{r.childId}</td>
                  <td>{r.name ?? '–'}</td>
                  <td>{enumLabel(t, 'cls', r.classType)}</td>
                  <td>{r.fullDays}</td>
                  <td>{r.halfDays}</td>
                  <td>{r.countedDays}</td>
                  <td>{t(r.fullMonth ? 'attYes' : 'attNo')}</td>
                  <td>{r.amount.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-row="total">
                <th colSpan={3}>{t('attTotal')} ({report.totals.children})</th>
                <th>{report.totals.fullDays}</th><th>{report.totals.halfDays}</th><th>{report.totals.countedDays}</th><th>{report.totals.fullMonths}</th><th>{report.totals.amount.toFixed(2)}</th>
              </tr>
            </tfoot>
          </table>
          <h3 class="pad">{t('attCrossCheck')}</h3>
          {flags.length === 0 ? <p class="pad muted">{t('attNoCrossCheck')}</p> : (
            <ul class="pad" data-cross-check>
              {flags.map((f) => <li key={`${f.date}-${f.roomId}`}>{t('attCrossCheckRow', { date: f.date, room: roomName(s, f.roomId), n: f.checkedIn, seen: f.maxPeopleSeen })}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
