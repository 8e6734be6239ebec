/** Face recognitions below the edge's accept threshold: staff confirm or reject each with one tap. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AttendanceEventView, ChildView } from '../../../../protocol/attendance-api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { dateIn, formatClock, percent } from '../../format.ts';
import { errorText } from '../error-text.ts';

export function ProposalsSection() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [pending, setPending] = useState<AttendanceEventView[]>([]);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const today = dateIn(Date.now(), s.timeZone);
  const reload = async (): Promise<void> => {
    try {
      const [p, c] = await Promise.all([s.api.attendanceEvents(today, true), s.api.children()]);
      setPending(p);
      setNames(new Map(c.map((x: ChildView) => [x.id, x.name])));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  // A whole class checked in at once pushes an event a child: reload once for the burst.
  const burst = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const soon = (): void => {
    clearTimeout(burst.current);
    burst.current = setTimeout(() => void reload(), 250);
  };
  useEffect(() => {
    void reload();
    // Proposals arrive from the entrance camera through the morning: pushed live, and
    // looked for again every 30 s in case the connection missed one.
    const off = s.live.on('attendance', soon);
    const timer = setInterval(() => void reload(), 30_000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);
  const decide = async (id: string, accept: boolean): Promise<void> => {
    try {
      await s.api.decide(id, accept);
      await reload();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <section data-section="proposals">
      {error && <p class="error" role="alert">{error}</p>}
      {pending.length === 0 && <p class="empty" data-empty="proposals">{t('attNoProposals')}</p>}
      <div class="child-grid">
        {pending.map((p) => (
          <div key={p.id} class="card proposal" data-proposal={p.id}>
            <strong>{names.get(p.childId) ?? p.childId}</strong>
            <span class="muted">
              {formatClock(p.at, lang, s.timeZone)} · {t(p.direction === 'in' ? 'attIn' : 'attOut')} · {t(`attSource_${p.source}` as MessageKey)} · {t('attConfidence', { p: percent(p.confidence) })}
            </span>
            <div class="form-actions">
              <button type="button" class="primary big" data-action="confirm" onClick={() => void decide(p.id, true)}>{t('attConfirm')}</button>
              <button type="button" class="big" data-action="reject" onClick={() => void decide(p.id, false)}>{t('attReject')}</button>
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
