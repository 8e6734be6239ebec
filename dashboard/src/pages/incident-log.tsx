/** The institution admin's incident log: filters, pagination, CSV export of the filtered list. */
import { useEffect, useState } from 'preact/hooks';
import { IncidentKind, ReviewStatus } from '../../../protocol/incident.ts';
import type { IncidentPage } from '../../../protocol/api.ts';
import type { IncidentFilters } from '../api.ts';
import { enumLabel, useI18n } from '../i18n.ts';
import { cameraName, placeName, useSession } from '../session.ts';
import { SEVERITY_CLASS, dateIn, formatTime, zonedInputToIso } from '../format.ts';
import { incidentSummary } from '../incident-text.ts';
import { download } from '../download.ts';
import { navigate } from '../router.ts';
import { errorText } from './error-text.ts';

const PAGE_SIZE = 25;

interface FormState {
  from: string;
  to: string;
  kind: string;
  status: string;
  roomId: string;
  cameraId: string;
}

const EMPTY: FormState = { from: '', to: '', kind: '', status: '', roomId: '', cameraId: '' };

/** Times typed in the form are wall-clock times at the institution (`timeZone`). */
function toFilters(f: FormState, timeZone: string): IncidentFilters {
  return {
    from: zonedInputToIso(f.from, timeZone),
    to: zonedInputToIso(f.to, timeZone),
    kind: f.kind || undefined,
    status: f.status || undefined,
    roomId: f.roomId || undefined,
    cameraId: f.cameraId || undefined,
  };
}

export function IncidentLog() {
  const session = useSession();
  const { api, live, rooms, cameras, timeZone } = session;
  const { t, lang } = useI18n();
  const [form, setForm] = useState<FormState>(EMPTY);
  const [applied, setApplied] = useState<FormState>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<IncidentPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.incidents({ ...toFilters(applied, timeZone), limit: PAGE_SIZE, offset }).then(
      (p) => !cancelled && (setPage(p), setError(null)),
      (e: unknown) => !cancelled && setError(errorText(t, e)),
    );
    return () => {
      cancelled = true;
    };
  }, [applied, offset, tick]);
  // Any change pushed live may move rows in or out of the filter: reload the page.
  useEffect(() => live.on('incident', () => setTick((n) => n + 1)), [live]);

  const set = (key: keyof FormState) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const apply = (e: Event): void => {
    e.preventDefault();
    setOffset(0);
    setApplied(form);
  };
  const exportCsv = async (): Promise<void> => {
    try {
      download(await api.exportCsv(toFilters(applied, timeZone)), `anyu-incidents-${dateIn(Date.now(), timeZone)}.csv`);
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const pages = page ? Math.max(1, Math.ceil(page.total / PAGE_SIZE)) : 1;

  return (
    <section class="incident-log">
      <form class="filters card" onSubmit={apply}>
        <label>{t('from')}<input type="datetime-local" name="from" value={form.from} onInput={set('from')} /></label>
        <label>{t('to')}<input type="datetime-local" name="to" value={form.to} onInput={set('to')} /></label>
        <label>
          {t('kind')}
          <select name="kind" value={form.kind} onChange={set('kind')}>
            <option value="">{t('all')}</option>
            {IncidentKind.options.map((k) => <option key={k} value={k}>{enumLabel(t, 'kind', k)}</option>)}
          </select>
        </label>
        <label>
          {t('status')}
          <select name="status" value={form.status} onChange={set('status')}>
            <option value="">{t('all')}</option>
            {ReviewStatus.options.map((s) => <option key={s} value={s}>{enumLabel(t, 'st', s)}</option>)}
          </select>
        </label>
        <label>
          {t('room')}
          <select name="roomId" value={form.roomId} onChange={set('roomId')}>
            <option value="">{t('all')}</option>
            {[...rooms.values()].map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>
          {t('camera')}
          <select name="cameraId" value={form.cameraId} onChange={set('cameraId')}>
            <option value="">{t('all')}</option>
            {[...cameras.values()].map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <div class="actions">
          <button type="submit" class="primary">{t('apply')}</button>
          <button type="button" onClick={() => (setForm(EMPTY), setOffset(0), setApplied(EMPTY))}>{t('reset')}</button>
          <button type="button" data-action="export" onClick={() => void exportCsv()}>{t('exportCsv')}</button>
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {!page ? (
        <p>{t('loading')}</p>
      ) : (
        <div class="card table-wrap">
          <table class="log">
            <thead>
              <tr>
                <th>{t('time')}</th><th>{t('kind')}</th><th>{t('severity')}</th><th>{t('room')}</th>
                <th>{t('camera')}</th><th>{t('summary')}</th><th>{t('status')}</th><th>{t('acknowledged')}</th><th>{t('outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.length === 0 && <tr><td colSpan={9} class="empty">{t('empty')}</td></tr>}
              {page.items.map((i) => (
                <tr key={i.id} data-incident={i.id} class="clickable" onClick={() => navigate('incidents', i.id)}>
                  <td>{formatTime(i.startedAt, lang, timeZone)}</td>
                  <td><a href={`#/incidents/${encodeURIComponent(i.id)}`}>{enumLabel(t, 'kind', i.kind)}</a></td>
                  <td><span class={`chip ${SEVERITY_CLASS[i.severity]}`}>{enumLabel(t, 'sev', i.severity)}</span></td>
                  <td data-field="room">{placeName(session, i)}</td>
                  <td>{cameraName(session, i.cameraId)}</td>
                  <td class="summary" data-field="summary">{incidentSummary(t, i, placeName(session, i))}</td>
                  <td data-field="status">{enumLabel(t, 'st', i.status)}</td>
                  <td data-field="ackBy">{i.acknowledgedBy ? `${i.acknowledgedBy} · ${formatTime(i.acknowledgedAt, lang, timeZone)}` : '–'}</td>
                  <td data-field="outcome">{i.outcome ? enumLabel(t, 'out', i.outcome) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            <span>{t('total', { n: page.total })}</span>
            <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>{t('prev')}</button>
            <span>{t('page', { p: Math.floor(offset / PAGE_SIZE) + 1, n: pages })}</span>
            <button disabled={offset + PAGE_SIZE >= page.total} onClick={() => setOffset(offset + PAGE_SIZE)}>{t('next')}</button>
          </div>
        </div>
      )}
    </section>
  );
}
