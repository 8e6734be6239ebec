/**
 * One incident: facts, snapshot, timeline, acknowledge, close with outcome and note, and a
 * print layout (see `@media print` in styles.css) that makes it a one-page report.
 */
import { useEffect, useState } from 'preact/hooks';
import { Outcome } from '../../../protocol/incident.ts';
import type { IncidentDetail, TimelineEntry } from '../../../protocol/api.ts';
import type { ChildView } from '../../../protocol/attendance-api.ts';
import { enumLabel, useI18n, type MessageKey, type Translate } from '../i18n.ts';
import { cameraName, canSeeSnapshots, placeName, useSession } from '../session.ts';
import { evidenceText, fallText, incidentSummary } from '../incident-text.ts';
import { SEVERITY_CLASS, formatTime } from '../format.ts';
import { navigate } from '../router.ts';
import { Snapshot } from './snapshot.tsx';
import { errorText } from './error-text.ts';

const TIMELINE_LABEL: Record<TimelineEntry['type'], MessageKey> = {
  opened: 'tlOpened',
  updated: 'tlUpdated',
  resolved: 'tlResolved',
  acknowledged: 'tlAcknowledged',
  closed: 'tlClosed',
  legal_hold: 'tlLegalHold',
  raised: 'tlRaised',
};

/**
 * A timeline entry's detail in words: severity, counts, outcome and note. Keys the hub
 * records for its own bookkeeping (seq, stale, zone id) and the edge's English message
 * are left out.
 */
function detailText(t: Translate, e: TimelineEntry): string {
  const d = e.detail;
  if (!d) return '';
  const parts: string[] = [];
  if (typeof d.severity === 'string') parts.push(enumLabel(t, 'sev', d.severity));
  const evidence = d.evidence as Parameters<typeof evidenceText>[1] | undefined;
  const counts = evidence ? evidenceText(t, evidence) : null;
  if (counts) parts.push(counts);
  if (typeof d.outcome === 'string') parts.push(enumLabel(t, 'out', d.outcome));
  if (typeof d.note === 'string' && d.note) parts.push(`${t('note')}: ${d.note}`);
  if (d.hold === false) parts.push(t('holdOff'));
  return parts.join(' · ');
}

export function IncidentDetailPage({ id }: { id: string }) {
  const session = useSession();
  const { api, live, user, timeZone } = session;
  const { t, lang } = useI18n();
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string>('');
  const [note, setNote] = useState('');
  const [tick, setTick] = useState(0);
  // Guardian port: which children the incident concerned (admins pick them when closing).
  const [roster, setRoster] = useState<ChildView[]>([]);
  const [concerned, setConcerned] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (user.role !== 'institution_admin') return;
    api.children().then(setRoster, (e: unknown) => console.warn('children', e));
    api.incidentChildren(id).then((r) => setConcerned(new Set(r.childIds)), (e: unknown) => console.warn('incident children', e));
  }, [id, user.role]);

  useEffect(() => {
    api.incident(id).then(
      (d) => (setIncident(d), setError(null)),
      (e: unknown) => setError(errorText(t, e)),
    );
  }, [id, tick]);
  useEffect(() => live.on('incident', (i) => i.id === id && setTick((n) => n + 1)), [live, id]);

  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      setTick((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const close = (e: Event): void => {
    e.preventDefault();
    const parsed = Outcome.safeParse(outcome);
    if (!parsed.success) return;
    void act(() => api.close(id, { outcome: parsed.data, note, childIds: [...concerned] }));
  };

  if (error && !incident) return <p class="error" role="alert">{error}</p>;
  if (!incident) return <p>{t('loading')}</p>;
  const i = incident;
  const place = placeName(session, i);
  const facts: [MessageKey, string][] = [
    ['kind', enumLabel(t, 'kind', i.kind)],
    ['severity', enumLabel(t, 'sev', i.severity)],
    ['room', place],
    ['camera', cameraName(session, i.cameraId)],
    ['time', `${formatTime(i.startedAt, lang, timeZone)} – ${i.resolvedAt ? formatTime(i.resolvedAt, lang, timeZone) : t('active')}`],
    ['status', enumLabel(t, 'st', i.status)],
    ['acknowledged', i.acknowledgedBy ? `${i.acknowledgedBy} · ${formatTime(i.acknowledgedAt, lang, timeZone)}` : '–'],
    ['outcome', i.outcome ? enumLabel(t, 'out', i.outcome) : '–'],
    ['note', i.note || '–'],
  ];
  if (i.evidence.confidence !== undefined) facts.push(['confidence', `${Math.round(i.evidence.confidence * 100)} %`]);
  const counts = evidenceText(t, i.evidence);
  if (counts) facts.push(['evidence', counts]);
  const fall = fallText(t, i.evidence);
  if (fall) facts.push(['reason', fall]);

  return (
    <section class="incident-detail" data-incident={i.id} data-status={i.status}>
      <div class="detail-bar no-print">
        <button onClick={() => navigate('incidents')}>{t('back')}</button>
        <button data-action="print" onClick={() => print()}>{t('printReport')}</button>
      </div>
      <div class="print-only report-head">
        <h1>{t('reportTitle')}</h1>
        <p>{t('printedAt')}: {formatTime(new Date().toISOString(), lang, timeZone)} · {user.displayName}</p>
      </div>
      <h2>
        <span class={`chip ${SEVERITY_CLASS[i.severity]}`}>{enumLabel(t, 'sev', i.severity)}</span>{' '}
        {enumLabel(t, 'kind', i.kind)} <small class="mono" translate={false}>{i.id}</small>
        {i.legalHold && <span class="chip hold">{t('legalHold')}</span>}
      </h2>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="detail-grid">
        <div class="card">
          <dl class="facts">
            {facts.map(([k, v]) => (
              <div key={k} data-fact={k}><dt>{t(k)}</dt><dd>{v}</dd></div>
            ))}
          </dl>
          <p class="message" data-field="summary">{incidentSummary(t, i, place)}</p>
          {i.raisedBy && i.message && <p class="message" data-field="alarm-note">{t('note')}: {i.message}</p>}
          {canSeeSnapshots(user) && <Snapshot id={i.id} available={i.hasSnapshot} evidence={i.evidence} />}
          {/* The edge's own technical words (ffmpeg's error, tamper statistics), not translated. */}
          {i.evidence.reason && !i.evidence.falls && (
            <p class="technical" data-fact="technical"><span>{t('technical')}: </span><code translate={false}>{i.evidence.reason}</code></p>
          )}
        </div>
        <div class="card">
          <h3>{t('timeline')}</h3>
          <ol class="timeline">
            {i.timeline.map((e, n) => (
              <li key={n} data-timeline={e.type}>
                <time>{formatTime(e.at, lang, timeZone)}</time>
                <strong>{t(TIMELINE_LABEL[e.type])}</strong>
                {e.by && <span class="by">{t('by')}: {e.by}</span>}
                <span class="detail">{detailText(t, e)}</span>
              </li>
            ))}
          </ol>
          {i.status === 'new' && user.role !== 'regulator' && (
            <button class="primary no-print" data-action="ack" onClick={() => void act(() => api.ack(i.id))}>
              {t('acknowledge')}
            </button>
          )}
          {user.role === 'institution_admin' && (
            <button class="no-print hold" data-action="hold" onClick={() => void act(() => api.legalHold(i.id, !i.legalHold))}>
              {i.legalHold ? t('holdOff') : t('holdOn')}
            </button>
          )}
          {i.status !== 'closed' && user.role === 'institution_admin' && (
            <form class="close-form no-print" onSubmit={close}>
              <h3>{t('closeIncident')}</h3>
              <label>
                {t('outcome')}
                <select name="outcome" value={outcome} required onChange={(e) => setOutcome(e.currentTarget.value)}>
                  <option value="" disabled>–</option>
                  {Outcome.options.map((o) => <option key={o} value={o}>{enumLabel(t, 'out', o)}</option>)}
                </select>
              </label>
              <label>
                {t('note')}
                <textarea name="note" maxLength={2000} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </label>
              {roster.length > 0 && (
                <fieldset class="concerned" data-part="concerned">
                  <legend>{t('gConcerned')}</legend>
                  {roster.filter((c) => !i.roomId || c.roomId === i.roomId || concerned.has(c.id)).map((c) => (
                    <label key={c.id} class="check">
                      <input type="checkbox" name="child" value={c.id} checked={concerned.has(c.id)}
                        onChange={(e) => {
                          const next = new Set(concerned);
                          if (e.currentTarget.checked) next.add(c.id);
                          else next.delete(c.id);
                          setConcerned(next);
                        }} />
                      <span translate={false}>{c.name}</span>
                    </label>
                  ))}
                </fieldset>
              )}
              <button type="submit" class="primary" data-action="close">{t('closeSubmit')}</button>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
