/**
 * The supervisor's live wall: open and unacknowledged incidents pushed over Socket.IO,
 * what needs a person first (unacknowledged critical ones, then by severity, then the
 * acknowledged), newest first within each. Critical ones flash and beep until someone
 * acknowledges them; the one-button alarm raises one for every wall of the institution.
 */
import { useEffect, useState } from 'preact/hooks';
import type { IncidentView } from '../../../protocol/api.ts';
import type { Severity } from '../../../protocol/incident.ts';
import { enumLabel, useI18n } from '../i18n.ts';
import { cameraName, canSeeSnapshots, placeName, useSession } from '../session.ts';
import { SEVERITY_CLASS, formatClock, formatTime, formatWhen, needsAlarm } from '../format.ts';
import { incidentSummary } from '../incident-text.ts';
import { Snapshot } from './snapshot.tsx';
import { AlarmButton } from './alarm-button.tsx';
import { useConnState } from '../live.ts';

interface Entry {
  incident: IncidentView;
  /** Arrived while the connection was down; found by the re-fetch after reconnecting. */
  missed: boolean;
}

const onWall = (i: IncidentView): boolean => i.status !== 'closed' && (i.active || i.status === 'new');

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Wall order: alarming first, then unacknowledged by severity, then acknowledged; newest first within each. */
export function wallOrder(a: IncidentView, b: IncidentView): number {
  const rank = (i: IncidentView) => (needsAlarm(i) ? 0 : i.status === 'new' ? 1 + SEVERITY_RANK[i.severity] : 10 + SEVERITY_RANK[i.severity]);
  return rank(a) - rank(b) || b.startedAt.localeCompare(a.startedAt);
}

export function LiveWall() {
  const session = useSession();
  const { api, live, alarm, user, timeZone } = session;
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<ReadonlyMap<string, Entry>>(new Map());
  const [missedCount, setMissedCount] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [audible, setAudible] = useState(alarm.audible());
  const conn = useConnState(live);
  const [beeps, setBeeps] = useState(alarm.beeps());
  useEffect(() => alarm.onBeep(setBeeps), [alarm]);

  const upsert = (i: IncidentView): void =>
    setEntries((prev) => {
      // A late re-fetch result must not undo a newer edge update already on the wall.
      const current = prev.get(i.id)?.incident;
      if (current && i.seq < current.seq) return prev;
      const next = new Map(prev);
      if (onWall(i)) next.set(i.id, { incident: i, missed: prev.get(i.id)?.missed ?? false });
      else next.delete(i.id);
      return next;
    });

  /** Replaces the wall with the server's view; new ids are marked missed after a reconnect. */
  const reload = async (active: IncidentView[] | null, markMissed: boolean): Promise<void> => {
    const [activeItems, fresh] = await Promise.all([
      active ?? api.incidents({ active: 'true', limit: 500 }).then((p) => p.items),
      api.incidents({ status: 'new', limit: 500 }).then((p) => p.items),
    ]);
    setEntries((prev) => {
      const next = new Map<string, Entry>();
      let missed = 0;
      for (const i of [...activeItems, ...fresh]) {
        if (!onWall(i) || next.has(i.id)) continue;
        const isMissed = markMissed && !prev.has(i.id);
        if (isMissed) missed += 1;
        next.set(i.id, { incident: i, missed: isMissed || (prev.get(i.id)?.missed ?? false) });
      }
      if (missed > 0) setMissedCount((n) => n + missed);
      return next;
    });
    setError(null);
  };

  useEffect(() => {
    reload(null, false).catch((e: unknown) => setError(String((e as Error).message)));
    const offIncident = live.on('incident', upsert);
    const offResync = live.on('resync', (items, first) => {
      reload(items, !first).catch((e: unknown) => setError(String((e as Error).message)));
    });
    return () => {
      offIncident();
      offResync();
    };
  }, [live]);

  const list = [...entries.values()].sort((a, b) => wallOrder(a.incident, b.incident));
  const alarming = list.filter((e) => needsAlarm(e.incident)).length;
  useEffect(() => {
    alarm.setActive(alarming > 0);
    return () => alarm.setActive(false);
  }, [alarming > 0]);
  // A nurse station often shows another tab: the title carries the count too.
  useEffect(() => {
    const base = `${t('appName')} · ${t('appTagline')}`;
    document.title = alarming > 0 ? `(${alarming}) ${t('sev_critical')} · ${base}` : base;
    return () => {
      document.title = base;
    };
  }, [alarming, t]);

  /** The banner leads to the first alarming card (at the top, but a phone may have scrolled). */
  const showCritical = (): void => {
    const first = list.find((e) => needsAlarm(e.incident));
    const el = first && document.querySelector<HTMLElement>(`[data-incident="${CSS.escape(first.incident.id)}"]`);
    if (!el) return;
    // Below the sticky header, which wraps to two or three lines on a phone.
    const header = document.querySelector('header.topbar')?.getBoundingClientRect().height ?? 0;
    window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - header - 8 });
    el.querySelector<HTMLElement>('[data-action=ack]')?.focus({ preventScroll: true });
  };

  const enableSound = async (): Promise<void> => {
    await alarm.unlock();
    setAudible(alarm.audible());
  };

  const acknowledge = async (id: string): Promise<void> => {
    void enableSound();
    try {
      const updated = await (live.state() === 'connected' ? live.ack(id) : api.ack(id)).catch((err: unknown) => {
        console.warn('socket ack failed, trying REST', err);
        return api.ack(id);
      });
      upsert(updated);
    } catch (err) {
      setError(t('ackFailed', { msg: (err as Error).message }));
    }
  };

  return (
    <section
      class={`live-wall ${alarming > 0 ? 'alarm-on' : ''} ${conn === 'disconnected' ? 'stale' : ''}`}
      data-alarm={alarming > 0 ? 'on' : 'off'}
      data-beeps={beeps}
      data-wall-conn={conn}
    >
      {conn === 'disconnected' && <div class="offline-banner" role="alert">{t('offlineStale')}</div>}
      <div class="wall-bar">
        {alarming > 0 && (
          <div class="critical-banner" role="alert">
            <span>{t('criticalBanner', { n: alarming })}</span>
            <button type="button" data-action="show-critical" onClick={showCritical}>{t('jumpToCritical')}</button>
          </div>
        )}
        {missedCount > 0 && (
          <div class="missed-banner" role="status" data-missed={missedCount}>
            {t('resynced', { n: missedCount })}
            <button class="link" onClick={() => setMissedCount(0)}>{t('dismiss')}</button>
          </div>
        )}
        <button class={`sound ${audible ? 'on' : ''}`} onClick={() => void enableSound()} data-action="sound">
          {audible ? t('soundOn') : t('enableSound')}
        </button>
        {user.role !== 'regulator' && <AlarmButton onRaised={(i) => (void enableSound(), upsert(i))} />}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {list.length === 0 && <p class="empty-wall">{t('noLiveIncidents')}</p>}
      <div class="cards">
        {list.map(({ incident: i, missed }) => (
          <article
            key={i.id}
            class={`incident-card ${SEVERITY_CLASS[i.severity]} ${needsAlarm(i) ? 'flash' : ''}`}
            data-incident={i.id}
            data-status={i.status}
          >
            <header>
              <span class={`chip ${SEVERITY_CLASS[i.severity]}`}>{enumLabel(t, 'sev', i.severity)}</span>
              <strong class="kind">{enumLabel(t, 'kind', i.kind)}</strong>
              {missed && <span class="chip missed">{t('missed')}</span>}
              <time dateTime={i.startedAt} title={formatTime(i.startedAt, lang, timeZone)}>
                {formatWhen(i.startedAt, lang, timeZone)}
              </time>
            </header>
            <div class="where">
              {t('room')}: <span data-field="room">{placeName(session, i)}</span>
              {i.cameraId && <> · {t('camera')}: {cameraName(session, i.cameraId)}</>}
            </div>
            {canSeeSnapshots(user) && i.kind !== 'alarm' && <Snapshot id={i.id} available={i.hasSnapshot} evidence={i.evidence} />}
            <p class="message" data-field="summary">{incidentSummary(t, i, placeName(session, i))}</p>
            {i.raisedBy && i.message && <p class="message note">{t('note')}: {i.message}</p>}
            <footer>
              {i.kind === 'alarm' ? <span /> : <span class={`state ${i.active ? 'active' : 'ended'}`}>{i.active ? t('active') : t('ended')}</span>}
              {i.status === 'new' ? (
                <button class="primary ack" data-action="ack" onClick={() => void acknowledge(i.id)}>
                  {t('acknowledge')}
                </button>
              ) : (
                <span class="acked" data-acked-by={i.acknowledgedBy ?? ''}>
                  {t('ackBy', { who: i.acknowledgedBy ?? '–', at: formatClock(i.acknowledgedAt ?? i.updatedAt, lang, timeZone) })}
                </span>
              )}
            </footer>
          </article>
        ))}
      </div>
    </section>
  );
}
