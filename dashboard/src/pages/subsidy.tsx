/**
 * 托位与补助 / Places & subsidy (regulators): indicator 8 (托位使用率, enrolled ÷ approved
 * places) and indicator 4 (share of places for children under 2) per institution, town and
 * district, days where attendance and the cameras disagree, and the institutions' monthly
 * subsidy reports to approve. Numbers only: regulators never see a child's name.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PlaceStats, SubmissionView, SubsidyReport } from '../../../protocol/attendance-api.ts';
import { enumLabel, useI18n, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.ts';
import { dateIn, formatTime, percent } from '../format.ts';
import { apiErrorText } from './setup/form.tsx';
import { previousMonth } from './attendance/report.tsx';

export function SubsidyPage() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(() => previousMonth(dateIn(Date.now(), s.timeZone)));
  const [stats, setStats] = useState<PlaceStats[]>([]);
  const [subs, setSubs] = useState<SubmissionView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<SubsidyReport | null>(null);
  const view = async (x: SubmissionView): Promise<void> => {
    try {
      setOpen(await s.api.report(x.month, x.institutionId));
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  const load = async (m: string): Promise<void> => {
    try {
      setStats(await s.api.places(m));
      setSubs(await s.api.submissions());
      setError(null);
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  useEffect(() => void load(month), []);
  const approve = async (x: SubmissionView): Promise<void> => {
    try {
      await s.api.approve(x.institutionId, x.month);
      await load(month);
    } catch (err) {
      setError(apiErrorText(t, err));
    }
  };
  const order = { district: 0, town: 1, institution: 2 } as const;
  const sorted = [...stats].sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  const unitName = (u: PlaceStats) => (u.kind === 'institution' ? u.name : (lang === 'en' ? (s.regions.get(u.id)?.nameEn ?? u.name) : u.name));
  return (
    <section class="subsidy" data-page="subsidy">
      <form class="filters card" onSubmit={(e) => (e.preventDefault(), void load(month))}>
        <label>{t('attMonth')}<input type="month" name="month" value={month} onInput={(e) => setMonth(e.currentTarget.value)} /></label>
        <div class="actions"><button type="submit" class="primary">{t('attShow')}</button></div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="card table-wrap">
        <h2 class="pad">{t('attPlaces')}</h2>
        <table class="log" data-table="places">
          <thead><tr><th>{t('attUnit')}</th><th /><th>{t('attApproved')}</th><th>{t('attEnrolledCount')}</th><th>{t('attUtilisation')}</th><th>{t('attUnder2Share')}</th><th>{t('attFlags')}</th></tr></thead>
          <tbody>
            {sorted.length === 0 && <tr><td colSpan={7} class="empty">{t('empty')}</td></tr>}
            {sorted.map((u) => (
              <tr key={`${u.kind}-${u.id}`} data-unit={`${u.kind}:${u.id}`}>
                <td>{t(`attUnit_${u.kind}` as MessageKey)}</td>
                <td>{unitName(u)}</td>
                <td>{u.approvedPlaces}</td>
                <td>{u.enrolled}</td>
                <td>{u.utilisation === null ? '–' : percent(u.utilisation)}</td>
                <td>{u.under2PlacesShare === null ? '–' : percent(u.under2PlacesShare)}</td>
                <td class={u.crossCheckFlags > 0 ? 'warn' : ''}>{u.crossCheckFlags}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card table-wrap">
        <h2 class="pad">{t('attSubmissions')}</h2>
        <table class="log" data-table="submissions">
          <thead><tr><th>{t('attInstitution')}</th><th>{t('attMonth')}</th><th>{t('attChildren')}</th><th>{t('attAmount')}</th><th>{t('status')}</th><th>{t('attSubmittedAt')}</th><th /></tr></thead>
          <tbody>
            {subs.length === 0 && <tr><td colSpan={7} class="empty">{t('attNoSubmissions')}</td></tr>}
            {subs.map((x) => (
              <tr key={`${x.institutionId}-${x.month}`} data-submission={`${x.institutionId}:${x.month}`} data-status={x.status}>
                <td>{x.institutionName}</td>
                <td>{x.month}</td>
                <td>{x.children}</td>
                <td>{x.amount.toFixed(2)}</td>
                <td>{t(`attStatus_${x.status}` as MessageKey)}</td>
                <td>{formatTime(x.submittedAt, lang, s.timeZone)}</td>
                <td>
                  <button type="button" data-action="view-report" onClick={() => void view(x)}>{t('attShow')}</button>{' '}
                  {x.status === 'submitted' && <button type="button" class="primary" data-action="approve" onClick={() => void approve(x)}>{t('attApprove')}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && (
        <div class="card table-wrap" data-section="report-view">
          <h3 class="pad">{t('attReportTitle', { month: open.month })} · {subs.find((x) => x.institutionId === open.institutionId)?.institutionName ?? open.institutionId}</h3>
          <p class="pad muted">{t('attRules', { full: open.rules.fullDayHours, half: open.rules.halfDayHours, month: open.rules.fullMonthDays })}</p>
          <table class="log compact" data-table="report-rows">
            <thead><tr><th>{t('attChildId')}</th><th>{t('attClass')}</th><th>{t('attFullDays')}</th><th>{t('attHalfDays')}</th><th>{t('attCountedDays')}</th><th>{t('attFullMonth')}</th><th>{t('attAmount')}</th></tr></thead>
            <tbody>
              {open.rows.map((r) => (
                <tr key={r.childId}>
                  <td class="mono" translate={false}>{r.childId}</td>
                  <td>{enumLabel(t, 'cls', r.classType)}</td>
                  <td>{r.fullDays}</td><td>{r.halfDays}</td><td>{r.countedDays}</td><td>{t(r.fullMonth ? 'attYes' : 'attNo')}</td><td>{r.amount.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot><tr><th colSpan={2}>{t('attTotal')} ({open.totals.children})</th><th>{open.totals.fullDays}</th><th>{open.totals.halfDays}</th><th>{open.totals.countedDays}</th><th>{open.totals.fullMonths}</th><th>{open.totals.amount.toFixed(2)}</th></tr></tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
