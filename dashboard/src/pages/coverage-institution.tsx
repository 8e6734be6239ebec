/**
 * Drill-down of one institution's coverage (`#/coverage/<id>`): every day of the period,
 * covered or not with every reason, and its cameras (state and rates, no footage).
 */
import { useEffect, useState } from 'preact/hooks';
import type { CameraView, CoverageInstitution } from '../../../protocol/api.ts';
import { enumLabel, useI18n } from '../i18n.ts';
import { regionName, useSession } from '../session.ts';
import { formatTime, percent } from '../format.ts';
import { gapReasonText } from '../incident-text.ts';
import { navigate } from '../router.ts';
import { DateRangeForm, datesOf, lastDays, type DateRange } from './date-range.tsx';
import { errorText } from './error-text.ts';

export function InstitutionCoveragePage({ id }: { id: string }) {
  const session = useSession();
  const { api, timeZone } = session;
  const { t, lang } = useI18n();
  const [range, setRange] = useState<DateRange>(() => lastDays(30, timeZone));
  const [row, setRow] = useState<CoverageInstitution | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Fetched here: camera ids repeat across institutions, so the session's map (by id) is not enough.
  const [cameras, setCameras] = useState<CameraView[]>([]);
  useEffect(() => {
    api.cameras().then((list) => setCameras(list.filter((c) => c.institutionId === id)), (e: unknown) => console.warn('cameras', e));
  }, [id]);

  useEffect(() => {
    api.coverage(range.from, range.to, id).then(
      (r) => {
        const found = r.institutions.find((i) => i.institutionId === id) ?? null;
        setRow(found);
        setError(found ? null : t('empty'));
      },
      (e: unknown) => setError(errorText(t, e)),
    );
  }, [range, id]);

  const cameraLabel = (cameraId: string) => cameras.find((c) => c.id === cameraId)?.name ?? cameraId;
  const gaps = new Map((row?.gaps ?? []).map((g) => [g.date, g.reasons]));

  return (
    <section class="coverage-institution" data-coverage-institution={id}>
      <div class="detail-bar"><button onClick={() => navigate('coverage')}>{t('backToDistrict')}</button></div>
      <DateRangeForm value={range} onApply={setRange} timeZone={timeZone} />
      {error && <p class="error" role="alert">{error}</p>}
      {row && (
        <>
          <h2>
            {t('coverageOf', { name: row.name })} {row.demo && <span class="chip demo" data-demo>{t('demoData')}</span>}
          </h2>
          <dl class="facts">
            <div><dt>{t('level')}</dt><dd>{enumLabel(t, 'lvl', row.level)}</dd></div>
            <div><dt>{t('town')}</dt><dd>{regionName(session, row.townId, lang)}</dd></div>
            <div><dt>{t('periodShare')}</dt><dd data-field="share">{percent(row.share)} ({row.daysCovered} / {row.days})</dd></div>
            <div><dt>{t('timeZone')}</dt><dd translate={false}>{row.timeZone}</dd></div>
          </dl>
          <div class="chart-grid even">
            <div class="card table-wrap">
              <h3 class="pad">{t('drillDays')}</h3>
              <table class="log compact" data-table="days">
                <tbody>
                  {datesOf(range).reverse().map((date) => {
                    const reasons = gaps.get(date);
                    return (
                      <tr key={date} data-day={date} data-covered={reasons ? 'no' : 'yes'}>
                        <td class="nowrap">{date}</td>
                        <td>{reasons ? <span class="chip sev-critical">{t('notCovered')}</span> : <span class="chip cam-online">{t('covered')}</span>}</td>
                        <td class="gaps">{reasons?.map((r, n) => <div key={n} data-reason={r.code}>{gapReasonText(t, r, cameraLabel)}</div>)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div class="card table-wrap">
              <h3 class="pad">{t('drillCameras')}</h3>
              <table class="log compact" data-table="cameras">
                <tbody>
                  {cameras.length === 0 && <tr><td class="empty">{t('empty')}</td></tr>}
                  {cameras.map((c) => (
                    <tr key={c.id} data-camera={c.id}>
                      <td>{c.name}</td>
                      <td><span class={`chip cam-${c.state}`}>{enumLabel(t, 'cam', c.state)}</span></td>
                      <td>{c.roomId ? (session.rooms.get(c.roomId)?.name ?? c.roomId) : t('unassigned')}</td>
                      <td>{c.analysedFps.toFixed(1)} / {c.expectedFps.toFixed(1)}</td>
                      <td class="muted">{c.lastFrameAt ? formatTime(c.lastFrameAt, lang, timeZone) : t('never')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
