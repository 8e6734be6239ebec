/** Rooms of the admin's institution: the list, and one form to create a room or edit one. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { RoomBody, type RoomView } from '../../../../protocol/api.ts';
import { ClassType, DEFAULT_CLASS_RULES, ZoneType } from '../../../../protocol/domain.ts';
import { enumLabel, useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { apiErrorText, check, Field, NoticeLine, numberOrNull, type FieldErrors, type Notice } from './form.tsx';

interface Draft {
  id: string;
  name: string;
  type: string;
  classType: string;
  capacity: string;
}
const EMPTY: Draft = { id: '', name: '', type: 'room', classType: '', capacity: '' };

function draftOf(r: RoomView): Draft {
  return { id: r.id, name: r.name, type: r.type, classType: r.classType ?? '', capacity: r.capacity === null ? '' : String(r.capacity) };
}

export function RoomsSection() {
  const { api, refreshRefs } = useSession();
  const { t } = useI18n();
  const [rooms, setRooms] = useState<RoomView[]>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<RoomView | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  // On a tablet the form sits below the table: bring it into view when a row is picked.
  const formRef = useRef<HTMLFormElement>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.rooms().then(setRooms, (e: unknown) => setNotice({ kind: 'error', text: apiErrorText(t, e) }));
  }, [tick]);

  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const edit = (r: RoomView | null): void => {
    setEditing(r);
    setDraft(r ? draftOf(r) : EMPTY);
    setFields({});
    setNotice(null);
    formRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const checked = check(RoomBody, {
      id: draft.id.trim(),
      name: draft.name,
      type: draft.type,
      classType: draft.classType === '' ? null : draft.classType,
      capacity: numberOrNull(draft.capacity),
      // Keep a polygon drawn elsewhere (edge config) when only the facts change here.
      polygon: editing?.polygon ?? null,
    }, t, { id: 'vId' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice({ kind: 'error', text: t('errFixFields') });
    setBusy(true);
    try {
      const saved = await api.saveRoom(checked.data);
      setNotice({ kind: 'ok', text: t('savedRoom', { name: saved.name }) });
      setEditing(null);
      setDraft(EMPTY);
      setTick((n) => n + 1);
      refreshRefs();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const rule = ClassType.safeParse(draft.classType);
  const ruleHint = rule.success
    ? t('classRuleHint', { max: DEFAULT_CLASS_RULES[rule.data].maxChildren, ratio: DEFAULT_CLASS_RULES[rule.data].childrenPerAdult })
    : undefined;

  return (
    <section class="setup-section" data-section="rooms">
      <h2>{t('setupRooms')}</h2>
      <div class="setup-grid">
        <div class="card table-wrap">
          <table>
            <thead>
              <tr><th>{t('roomId')}</th><th>{t('roomName')}</th><th>{t('zoneType')}</th><th>{t('classType')}</th><th>{t('capacity')}</th><th /></tr>
            </thead>
            <tbody>
              {rooms.length === 0 && <tr><td colSpan={6} class="empty">{t('empty')}</td></tr>}
              {rooms.map((r) => (
                <tr key={r.id} data-room={r.id} class={editing?.id === r.id ? 'selected' : ''}>
                  <td class="mono" translate={false}>{r.id}</td>
                  <td>{r.name}</td>
                  <td>{enumLabel(t, 'zone', r.type)}</td>
                  <td>{r.classType ? enumLabel(t, 'cls', r.classType) : '–'}</td>
                  <td>{r.capacity ?? '–'}</td>
                  <td><button type="button" data-action="edit-room" onClick={() => edit(r)}>{t('edit')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form ref={formRef} class="card setup-form" data-form="room" onSubmit={(e) => void submit(e)} noValidate>
          <h3>{editing ? t('editRoom', { id: editing.id }) : t('newRoom')}</h3>
          <Field label={t('roomId')} name="id" error={fields.id}>
            <input name="id" value={draft.id} readOnly={editing !== null} onInput={set('id')} autocomplete="off" />
          </Field>
          <Field label={t('roomName')} name="name" error={fields.name}>
            <input name="name" value={draft.name} onInput={set('name')} />
          </Field>
          <Field label={t('zoneType')} name="type" error={fields.type}>
            <select name="type" value={draft.type} onChange={set('type')}>
              {ZoneType.options.map((z) => <option key={z} value={z}>{enumLabel(t, 'zone', z)}</option>)}
            </select>
          </Field>
          <Field label={t('classType')} name="classType" error={fields.classType} hint={ruleHint}>
            <select name="classType" value={draft.classType} onChange={set('classType')}>
              <option value="">{t('none')}</option>
              {ClassType.options.map((c) => <option key={c} value={c}>{enumLabel(t, 'cls', c)}</option>)}
            </select>
          </Field>
          <Field label={t('capacity')} name="capacity" error={fields.capacity}>
            <input name="capacity" inputMode="numeric" value={draft.capacity} onInput={set('capacity')} />
          </Field>
          <NoticeLine notice={notice} />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy} data-action="save-room">{t('save')}</button>
            {editing && <button type="button" onClick={() => edit(null)}>{t('cancel')}</button>}
          </div>
        </form>
      </div>
    </section>
  );
}
