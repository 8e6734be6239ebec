/** 管理 / Setup for a regulator: register or update an institution of their town or district. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { InstitutionBody, type InstitutionView } from '../../../../protocol/api.ts';
import { RatingLevel } from '../../../../protocol/domain.ts';
import { enumLabel, useI18n } from '../../i18n.ts';
import { regionName, useSession } from '../../session.ts';
import { DEFAULT_TIME_ZONE } from '../../../../protocol/domain.ts';
import { apiErrorText, check, Field, NoticeLine, type FieldErrors, type Notice } from './form.tsx';

interface Draft {
  id: string;
  name: string;
  level: string;
  townId: string;
  districtId: string;
  registered: boolean;
  /** Days and reports of the institution follow it; kept as it is when editing. */
  timeZone: string;
}

function draftOf(i: InstitutionView): Draft {
  return { id: i.id, name: i.name, level: i.level, townId: i.townId, districtId: i.districtId, registered: i.registered, timeZone: i.timeZone };
}

/** A town or district: its display name with its id (the id is what the form takes). */
function RegionLabel({ id }: { id: string }) {
  const session = useSession();
  const { lang } = useI18n();
  const name = regionName(session, id, lang);
  return name === id ? <span class="mono" translate={false}>{id}</span> : <>{name} <span class="mono" translate={false}>{id}</span></>;
}

export function InstitutionsPage() {
  const session = useSession();
  const { api, user } = session;
  const { t, lang } = useI18n();
  const region = user.regionId ?? '';
  const empty: Draft = { id: '', name: '', level: 'unrated', townId: '', districtId: region, registered: true, timeZone: DEFAULT_TIME_ZONE };
  const [list, setList] = useState<InstitutionView[]>([]);
  const [draft, setDraft] = useState<Draft>(empty);
  const [fields, setFields] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  // On a tablet the form sits below the table: bring it into view when a row is picked.
  const formRef = useRef<HTMLFormElement>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.institutions().then(setList, (e: unknown) => setNotice({ kind: 'error', text: apiErrorText(t, e) }));
  }, [tick]);
  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const edit = (i: InstitutionView | null): void => {
    setEditing(i?.id ?? null);
    setDraft(i ? draftOf(i) : empty);
    setFields({});
    setNotice(null);
    formRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const checked = check(InstitutionBody, {
      id: draft.id.trim(),
      name: draft.name,
      level: draft.level,
      townId: draft.townId.trim(),
      districtId: draft.districtId.trim(),
      // Sent explicitly: the schema's default (true) would re-register an unregistered one on edit.
      registered: draft.registered,
      timeZone: draft.timeZone.trim(),
    }, t, { id: 'vId', townId: 'vId', districtId: 'vId' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice({ kind: 'error', text: t('errFixFields') });
    setBusy(true);
    try {
      const res = await api.registerInstitution(checked.data);
      setNotice({ kind: 'ok', text: t(res.created ? 'institutionCreated' : 'institutionUpdated', { name: res.institution.name }) });
      setDraft(empty);
      setEditing(null);
      setTick((n) => n + 1);
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err, { 403: 'errForbiddenRegion' }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="setup" data-page="setup">
      <div class="setup-grid">
        <div class="card table-wrap">
          <table>
            <thead>
              <tr><th>{t('institutionId')}</th><th>{t('institutionName')}</th><th>{t('level')}</th><th>{t('town')}</th><th>{t('district')}</th><th>{t('registeredLabel')}</th><th /></tr>
            </thead>
            <tbody>
              {list.length === 0 && <tr><td colSpan={7} class="empty">{t('empty')}</td></tr>}
              {list.map((i) => (
                <tr key={i.id} data-institution-row={i.id} class={editing === i.id ? 'selected' : ''}>
                  <td class="mono" translate={false}>{i.id}</td>
                  <td>{i.name}</td>
                  <td>{enumLabel(t, 'lvl', i.level)}</td>
                  <td><RegionLabel id={i.townId} /></td>
                  <td><RegionLabel id={i.districtId} /></td>
                  <td>{i.registered ? '✓' : '–'}</td>
                  <td><button type="button" data-action="edit-institution" onClick={() => edit(i)}>{t('edit')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form ref={formRef} class="card setup-form" data-form="institution" onSubmit={(e) => void submit(e)} noValidate>
          <h3>{t('registerInstitution')}</h3>
          <p class="muted">{t('regionHint', { region: regionName(session, region, lang) })}</p>
          <Field label={t('institutionId')} name="id" error={fields.id}>
            <input name="id" value={draft.id} readOnly={editing !== null} autocomplete="off" onInput={set('id')} />
          </Field>
          <Field label={t('institutionName')} name="name" error={fields.name}>
            <input name="name" value={draft.name} onInput={set('name')} />
          </Field>
          <Field label={t('level')} name="level" error={fields.level}>
            <select name="level" value={draft.level} onChange={set('level')}>
              {RatingLevel.options.map((l) => <option key={l} value={l}>{enumLabel(t, 'lvl', l)}</option>)}
            </select>
          </Field>
          <Field label={t('town')} name="townId" error={fields.townId}>
            <input name="townId" value={draft.townId} autocomplete="off" onInput={set('townId')} />
          </Field>
          <Field label={t('district')} name="districtId" error={fields.districtId}>
            <input name="districtId" value={draft.districtId} autocomplete="off" onInput={set('districtId')} />
          </Field>
          <Field label={t('timeZone')} name="timeZone" error={fields.timeZone}>
            <input name="timeZone" value={draft.timeZone} autocomplete="off" translate={false} onInput={set('timeZone')} />
          </Field>
          <label class="check" data-field="registered">
            <input type="checkbox" name="registered" checked={draft.registered}
              onChange={(e) => setDraft({ ...draft, registered: e.currentTarget.checked })} />
            {t('registeredLabel')}
          </label>
          <NoticeLine notice={notice} />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy} data-action="register-institution">{t('save')}</button>
            {editing && <button type="button" onClick={() => edit(null)}>{t('cancel')}</button>}
          </div>
        </form>
      </div>
    </section>
  );
}
