/** Camera mapping: each camera an edge reported gets a name, a room and the fps it should deliver. */
import { useEffect, useState } from 'preact/hooks';
import { CameraBody, type CameraView } from '../../../../protocol/api.ts';
import { enumLabel, useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { apiErrorText, check, NoticeLine, type FieldErrors, type Notice } from './form.tsx';

interface Draft {
  name: string;
  roomId: string;
  expectedFps: string;
}

function CameraRow({ camera, onSaved }: { camera: CameraView; onSaved: () => void }) {
  const { api, rooms } = useSession();
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>({ name: camera.name, roomId: camera.roomId ?? '', expectedFps: String(camera.expectedFps) });
  const [fields, setFields] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const save = async (): Promise<void> => {
    const checked = check(CameraBody, {
      name: draft.name,
      roomId: draft.roomId === '' ? null : draft.roomId,
      expectedFps: draft.expectedFps.trim() === '' ? Number.NaN : Number(draft.expectedFps),
    }, t, { roomId: 'vId' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice(null);
    setBusy(true);
    try {
      const saved = await api.updateCamera(camera.id, checked.data);
      setNotice({ kind: 'ok', text: t('savedCamera', { name: saved.name }) });
      onSaved();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err, { 404: 'errNotFoundCamera' }) });
    } finally {
      setBusy(false);
    }
  };

  const err = (k: string) => fields[k] && <span class="field-error" data-error-for={k} role="alert">{fields[k]}</span>;
  return (
    <tr data-camera-row={camera.id} class={camera.roomId ? '' : 'unmapped'}>
      <td>
        <div class="mono" translate={false}>{camera.id}</div>
        <span class={`chip cam-${camera.state}`}>{enumLabel(t, 'cam', camera.state)}</span>
      </td>
      <td class="mono" translate={false}>{camera.edgeId}</td>
      <td><input name="name" aria-label={t('cameraName')} value={draft.name} onInput={set('name')} />{err('name')}</td>
      <td>
        <select name="roomId" aria-label={t('room')} value={draft.roomId} onChange={set('roomId')}>
          <option value="">{t('unassigned')}</option>
          {[...rooms.values()].map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
        {err('roomId')}
      </td>
      <td><input name="expectedFps" class="narrow" inputMode="decimal" aria-label={t('expectedFps')} value={draft.expectedFps} onInput={set('expectedFps')} />{err('expectedFps')}</td>
      <td>
        <button type="button" class="primary" disabled={busy} data-action="save-camera" onClick={() => void save()}>{t('save')}</button>
        <NoticeLine notice={notice} />
      </td>
    </tr>
  );
}

export function CamerasMapSection() {
  const { api, live, refreshRefs } = useSession();
  const { t } = useI18n();
  const [cams, setCams] = useState<CameraView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api.cameras().then((c) => (setCams(c), setError(null)), (e: unknown) => setError(apiErrorText(t, e)));
  }, [tick]);
  // A camera appears when its edge first reports it; rows keep their drafts (keyed by id).
  useEffect(() => live.on('status', () => setTick((n) => n + 1)), [live]);
  const saved = (): void => {
    refreshRefs();
  };

  return (
    <section class="setup-section" data-section="cameras">
      <h2>{t('setupCameras')} <button type="button" class="link" data-action="reload-cameras" onClick={() => setTick((n) => n + 1)}>↻</button></h2>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="card table-wrap">
        <table>
          <thead>
            <tr><th>{t('cameraId')}</th><th>{t('edge')}</th><th>{t('cameraName')}</th><th>{t('room')}</th><th>{t('expectedFps')}</th><th /></tr>
          </thead>
          <tbody>
            {cams?.length === 0 && <tr><td colSpan={6} class="empty">{t('camerasNone')}</td></tr>}
            {cams?.map((c) => <CameraRow key={c.id} camera={c} onSaved={saved} />)}
          </tbody>
        </table>
      </div>
    </section>
  );
}
