/**
 * The one-button alarm (托育机构质量评估标准): one press raises a critical `alarm` for the
 * whole institution, or for the room chosen beside it; every supervisor's wall of the
 * institution rings at once (pushed like any incident). A false alarm is closed with the
 * outcome "false alarm" like any other.
 */
import { useState } from 'preact/hooks';
import type { IncidentView } from '../../../protocol/api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.ts';

export function AlarmButton({ onRaised }: { onRaised: (i: IncidentView) => void }) {
  const { api, rooms } = useSession();
  const { t } = useI18n();
  const [roomId, setRoomId] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const raise = async (): Promise<void> => {
    setBusy(true);
    try {
      const incident = await api.raiseAlarm({ roomId: roomId || null, note: '' });
      onRaised(incident);
      setNotice({ ok: true, text: t('alarmSent') });
    } catch (err) {
      setNotice({ ok: false, text: t('alarmFailed', { msg: (err as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="alarm-box" data-alarm-box>
      <label class="alarm-room">
        <span>{t('alarmRoom')}</span>
        <select name="alarmRoom" value={roomId} onChange={(e) => setRoomId(e.currentTarget.value)}>
          <option value="">{t('alarmWholeSite')}</option>
          {[...rooms.values()].map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <button type="button" class="alarm-button" data-action="raise-alarm" disabled={busy} onClick={() => void raise()}>
        {t('alarmButton')}
      </button>
      {notice && <span class={notice.ok ? 'notice ok' : 'error'} role="status">{notice.text}</span>}
    </div>
  );
}
