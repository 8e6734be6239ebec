/** Accounts: an admin adds supervisors or admins of the institution; a generated password is shown once. */
import { useState } from 'preact/hooks';
import { PASSWORD_MIN_LENGTH, UserBody, type UserCreated } from '../../../../protocol/api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { apiErrorText, check, Field, NoticeLine, type FieldErrors, type Notice } from './form.tsx';
import { OneTimeSecret } from './one-time-secret.tsx';

const ROLES: readonly ['supervisor' | 'institution_admin', MessageKey][] = [
  ['supervisor', 'roleSupervisor'],
  ['institution_admin', 'roleInstitutionAdmin'],
];

interface Draft {
  username: string;
  displayName: string;
  role: string;
  password: string;
}
const EMPTY: Draft = { username: '', displayName: '', role: 'supervisor', password: '' };

export function UsersSection() {
  const { api } = useSession();
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [fields, setFields] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [secret, setSecret] = useState<UserCreated | null>(null);
  const [created, setCreated] = useState<UserCreated['user'][]>([]);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const checked = check(UserBody, {
      username: draft.username.trim(),
      displayName: draft.displayName,
      role: draft.role,
      ...(draft.password === '' ? {} : { password: draft.password }),
    }, t, { username: 'vUsername' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice(null);
    setBusy(true);
    try {
      const res = await api.createUser(checked.data);
      setCreated([res.user, ...created]);
      setSecret(res.password ? res : null);
      setNotice({ kind: 'ok', text: t(res.password ? 'userCreated' : 'userCreatedOwn', { username: res.user.username }) });
      setDraft(EMPTY);
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err, { 409: 'errConflictUser' }, { username: checked.data.username }) });
    } finally {
      setBusy(false);
    }
  };

  const roleLabel = (r: string): string => t(ROLES.find(([k]) => k === r)?.[1] ?? 'roleSupervisor');
  return (
    <section class="setup-section" data-section="users">
      <h2>{t('setupUsers')}</h2>
      <div class="setup-grid">
        <form class="card setup-form" data-form="user" onSubmit={(e) => void submit(e)} noValidate>
          <Field label={t('username')} name="username" error={fields.username}>
            <input name="username" value={draft.username} autocomplete="off" onInput={set('username')} />
          </Field>
          <Field label={t('displayName')} name="displayName" error={fields.displayName}>
            <input name="displayName" value={draft.displayName} onInput={set('displayName')} />
          </Field>
          <Field label={t('role')} name="role" error={fields.role}>
            <select name="role" value={draft.role} onChange={set('role')}>
              {ROLES.map(([r, key]) => <option key={r} value={r}>{t(key)}</option>)}
            </select>
          </Field>
          <Field label={t('userPassword')} name="password" error={fields.password} hint={t('vTooShort', { n: PASSWORD_MIN_LENGTH })}>
            <input name="password" type="password" autocomplete="new-password" value={draft.password} onInput={set('password')} />
          </Field>
          <NoticeLine notice={notice} />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy} data-action="create-user">{t('createUser')}</button>
          </div>
          {created.length > 0 && (
            <div class="created">
              <span class="field-label">{t('createdUsers')}</span>
              <ul>{created.map((u) => <li key={u.id} data-created-user={u.username}>{u.displayName} · {u.username} · {roleLabel(u.role)}</li>)}</ul>
            </div>
          )}
        </form>
        {secret?.password && (
          <OneTimeSecret
            title={t('userCreated', { username: secret.user.username })}
            rows={[[t('username'), secret.user.username], [t('role'), roleLabel(secret.user.role)]]}
            passwordLabel={t('loginPassword')}
            password={secret.password}
            onDone={() => setSecret(null)}
          />
        )}
      </div>
    </section>
  );
}
