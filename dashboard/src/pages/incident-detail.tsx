/**
 * One incident: facts, snapshot, timeline, acknowledge, close with outcome and note, and a
 * print layout (see `@media print` in styles.css) that makes it a one-page report.
 */
import { useEffect, useState } from 'preact/hooks';
import { Outcome } from '../../../protocol/incident.ts';
import type { IncidentDetail, TimelineEntry } from '../../../protocol/api.ts';
import { countsText, enumLabel, useI18n, type MessageKey, type Translate } from '../i18n.ts';
import { cameraName, canSeeSnapshots, roomName, useSession } from '../session.ts';
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
};

/**
 * A timeline entry's detail in words: severity, message, counts, outcome and note. Keys
 * the hub records for its own bookkeeping (seq, stale, zone id) are left out.
 */
function detailText(t: Translate, e: TimelineEntry): string {
  const d = e.detail;
  if (!d) return '';
  const parts: string[] = [];
  if (typeof d.severity === 'string') parts.push(enumLabel(t, 'sev', d.severity));
  if (typeof d.message === 'string' && d.message) parts.push(d.message);
  const evidence = d.evidence as { counts?: Record<string, number> } | undefined;
  if (evidence?.counts) parts.push(countsText(t, evidence.counts));
  if (typeof d.outcome === 'string') parts.push(enumLabel(t, 'out', d.outcome));
  if (typeof d.note === 'string' && d.note) parts.push(`${t('note')}: ${d.note}`);
  if (d.hold === false) parts.push(t('holdOff'));
  return parts.join(' · ');
}

export function IncidentDetailPage({ id }: { id: string }) {
  const session = useSession();
  const { api, live, user } = session;
  const { t, lang } = useI18n();
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string>('');
  const [note, setNote] = useState('');
  const [tick, setTick] = useState(0);

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
    void act(() => api.close(id, { outcome: parsed.data, note }));
  };

  if (error && !incident) return <p class="error" role="alert">{error}</p>;
  if (!incident) return <p>{t('loading')}</p>;
  const i = incident;
  const facts: [MessageKey, string][] = [
    ['kind', enumLabel(t, 'kind', i.kind)],
    ['severity', enumLabel(t, 'sev', i.severity)],
    ['room', roomName(session, i.zoneId)],
    ['camera', cameraName(session, i.cameraId)],
    ['time', `${formatTime(i.startedAt, lang)} – ${i.resolvedAt ? formatTime(i.resolvedAt, lang) : t('active')}`],
    ['status', enumLabel(t, 'st', i.status)],
    ['acknowledged', i.acknowledgedBy ? `${i.acknowledgedBy} · ${formatTime(i.acknowledgedAt, lang)}` : '–'],
    ['outcome', i.outcome ? enumLabel(t, 'out', i.outcome) : '–'],
    ['note', i.note || '–'],
  ];
  if (i.evidence.confidence !== undefined) facts.push(['confidence', `${Math.round(i.evidence.confidence * 100)} %`]);
  if (i.evidence.counts) facts.push(['evidence', countsText(t, i.evidence.counts)]);
  // The edge's own words (e.g. which fall path fired, or ffmpeg's error), not translated.
  if (i.evidence.reason) facts.push(['reason', i.evidence.reason]);

  return (
    <section class="incident-detail" data-incident={i.id} data-status={i.status}>
      <div class="detail-bar no-print">
        <button onClick={() => navigate('incidents')}>{t('back')}</button>
        <button data-action="print" onClick={() => print()}>{t('printReport')}</button>
      </div>
      <div class="print-only report-head">
        <h1>{t('reportTitle')}</h1>
        <p>{t('printedAt')}: {formatTime(new Date().toISOString(), lang)} · {user.displayName}</p>
      </div>
      <h2>
        <span class={`chip ${SEVERITY_CLASS[i.severity]}`}>{enumLabel(t, 'sev', i.severity)}</span>{' '}
        {enumLabel(t, 'kind', i.kind)} <small class="mono">{i.id}</small>
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
          {i.message && <p class="message">{i.message}</p>}
          {canSeeSnapshots(user) && <Snapshot id={i.id} available={i.hasSnapshot} />}
        </div>
        <div class="card">
          <h3>{t('timeline')}</h3>
          <ol class="timeline">
            {i.timeline.map((e, n) => (
              <li key={n} data-timeline={e.type}>
                <time>{formatTime(e.at, lang)}</time>
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
              <button type="submit" class="primary" data-action="close">{t('closeSubmit')}</button>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
