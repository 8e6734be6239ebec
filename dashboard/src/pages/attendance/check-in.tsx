/**
 * Staff check-in for a tablet at the door: one card per child of the chosen room, a tap
 * checks a child in (or out when present), and one button checks the whole class in or
 * out. This path never needs a face: it is always there.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AttendanceEventView, ChildView } from '../../../../protocol/attendance-api.ts';
import { useI18n } from '../../i18n.ts';
import { useSession, roomName } from '../../session.ts';
import { dateIn, formatClock } from '../../format.ts';
import { errorText } from '../error-text.ts';

type State = 'present' | 'left' | 'absent';

/** Where a child stands today from the counted events (in time order). */
export function stateOf(events: readonly AttendanceEventView[], childId: string): State {
  let s: State = 'absent';
  for (const e of events) if (e.childId === childId && e.state === 'counted') s = e.direction === 'in' ? 'present' : 'left';
  return s;
}

export function CheckInSection() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [children, setChildren] = useState<ChildView[]>([]);
  const [events, setEvents] = useState<AttendanceEventView[]>([]);
  const [room, setRoom] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const today = dateIn(Date.now(), s.timeZone);
  const reload = async (): Promise<void> => {
    try {
      const [c, e] = await Promise.all([s.api.children(), s.api.attendanceEvents(today, false)]);
      setChildren(c);
      setEvents(e);
      setError(null);
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
    // Another tablet's taps and the entrance camera's check-ins show up here too.
    return s.live.on('attendance', soon);
  }, []);

  const rooms = [...new Set(children.map((c) => c.roomId ?? ''))].sort();
  const shown = children.filter((c) => room === '' || (c.roomId ?? '') === room);
  const check = async (ids: string[], direction: 'in' | 'out'): Promise<void> => {
    if (ids.length === 0) return;
    setBusy(true);
    try {
      const res = await s.api.check({ childIds: ids, direction });
      setNotice(t('attChecked', { n: res.filter((r) => r.outcome === 'applied').length }));
      await reload();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  const lastTime = (id: string) => [...events].reverse().find((e) => e.childId === id && e.state === 'counted')?.at;

  return (
    <section data-section="check-in">
      <div class="filters card">
        <label>
          {t('room')}
          <select name="room" value={room} onChange={(e) => setRoom(e.currentTarget.value)}>
            <option value="">{t('attAllRooms')}</option>
            {rooms.map((r) => <option key={r} value={r}>{r === '' ? t('attNoRoom') : roomName(s, r)}</option>)}
          </select>
        </label>
        <div class="actions">
          <button type="button" class="primary big" data-action="check-in-all" disabled={busy} onClick={() => void check(shown.filter((c) => stateOf(events, c.id) !== 'present').map((c) => c.id), 'in')}>
            {t('attCheckInAll', { n: shown.filter((c) => stateOf(events, c.id) !== 'present').length })}
          </button>
          <button type="button" class="big" data-action="check-out-all" disabled={busy} onClick={() => void check(shown.filter((c) => stateOf(events, c.id) === 'present').map((c) => c.id), 'out')}>
            {t('attCheckOutAll', { n: shown.filter((c) => stateOf(events, c.id) === 'present').length })}
          </button>
        </div>
      </div>
      <p class="muted">{t('attTapHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {notice && <p class="notice ok" role="status" data-notice="ok">{notice}</p>}
      {children.length === 0 && !error && <p class="empty">{t('attNoChildren')}</p>}
      <div class="child-grid">
        {shown.map((c) => {
          const st = stateOf(events, c.id);
          const at = lastTime(c.id);
          return (
            <button key={c.id} type="button" class={`child-card ${st}`} data-child={c.id} data-state={st} disabled={busy}
              onClick={() => void check([c.id], st === 'present' ? 'out' : 'in')}>
              <span class="child-name">{c.name}</span>
              <span class="child-state">{t(st === 'present' ? 'attPresent' : st === 'left' ? 'attLeft' : 'attAbsent')}{at ? ` · ${formatClock(at, lang, s.timeZone)}` : ''}</span>
            </button>
          );
        })}
      </div>
    </section>
  );
}
