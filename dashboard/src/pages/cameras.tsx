/** Camera health: refreshed whenever an edge reports status, and every 15 s as a fallback. */
import { useEffect, useState } from 'preact/hooks';
import type { CameraView } from '../../../protocol/api.ts';
import { enumLabel, useI18n } from '../i18n.ts';
import { roomName, useSession } from '../session.ts';
import { formatTime } from '../format.ts';
import { errorText } from './error-text.ts';

const REFRESH_MS = 15_000;

export function CamerasPage() {
  const session = useSession();
  const { api, live } = session;
  const { t, lang } = useI18n();
  const [cams, setCams] = useState<CameraView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = (): void => {
      api.cameras().then(
        (c) => (setCams(c), setError(null)),
        (e: unknown) => setError(errorText(t, e)),
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    const offStatus = live.on('status', load);
    const offIncident = live.on('incident', load);
    return () => {
      clearInterval(timer);
      offStatus();
      offIncident();
    };
  }, [api, live]);

  if (!cams) return error ? <p class="error">{error}</p> : <p>{t('loading')}</p>;
  return (
    <section class="cameras">
      {error && <p class="error" role="alert">{error}</p>}
      {cams.length === 0 && <p>{t('empty')}</p>}
      <div class="cam-grid">
        {cams.map((c) => {
          const ratio = c.expectedFps > 0 ? Math.min(1, c.deliveredFps / c.expectedFps) : 0;
          return (
            <article key={c.id} class={`card cam cam-${c.state}`} data-camera={c.id} data-state={c.state}>
              <header>
                <strong>{c.name}</strong>
                <span class={`chip cam-${c.state}`}>{enumLabel(t, 'cam', c.state)}</span>
              </header>
              <div class="muted">{t('room')}: {roomName(session, c.roomId)} · <span translate={false}>{c.edgeId}</span></div>
              <div class="fps">
                <span>{t('fps')}</span>
                <strong>{c.deliveredFps.toFixed(1)} / {c.expectedFps.toFixed(1)}</strong>
                <div class={`bar ${ratio < 0.6 ? 'low' : ''}`}><i style={{ width: `${ratio * 100}%` }} /></div>
              </div>
              <dl class="facts compact">
                <div><dt>{t('reconnects')}</dt><dd>{c.reconnectsLastHour}</dd></div>
                <div><dt>{t('stalls')}</dt><dd>{c.stallsLastHour}</dd></div>
                <div><dt>{t('lastFrame')}</dt><dd>{c.lastFrameAt ? formatTime(c.lastFrameAt, lang, session.timeZone) : t('never')}</dd></div>
                <div>
                  <dt>{t('openIncidents')}</dt>
                  <dd class={c.openIncidents > 0 ? 'warn' : ''}>
                    <a href={`#/incidents`}>{c.openIncidents}</a>
                  </dd>
                </div>
              </dl>
              {c.reason && <p class="reason" translate={false} title={t('technical')}>{c.reason}</p>}
            </article>
          );
        })}
      </div>
    </section>
  );
}
