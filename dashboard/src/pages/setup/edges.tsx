/** Edge boxes: register one (or rotate its password) and show the MQTT password once. */
import { useState } from 'preact/hooks';
import { EdgeBody, type EdgeRegistered } from '../../../../protocol/api.ts';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { apiErrorText, check, Field, NoticeLine, type FieldErrors, type Notice } from './form.tsx';
import { OneTimeSecret } from './one-time-secret.tsx';

/**
 * The id the hub gives what was typed (hub/api/admin-routes.ts): an edge the institution
 * already has keeps its id, anything else lives in its namespace, `<institution>.<name>`.
 * The hub never answers 409 here: another institution's id is just a name like any other.
 */
export function edgeIdFor(institutionId: string, typed: string, known: readonly string[]): string {
  if (known.includes(typed) || typed.startsWith(`${institutionId}.`)) return typed;
  return `${institutionId}.${typed}`;
}

export function EdgesSection() {
  const { api, cameras, user } = useSession();
  const { t } = useI18n();
  const [id, setId] = useState('');
  const [fields, setFields] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [secret, setSecret] = useState<EdgeRegistered | null>(null);
  const [busy, setBusy] = useState(false);
  /** Rotating drops a box that is running: a known id asks once before the request. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const known = [...new Set([...cameras.values()].map((c) => c.edgeId))].sort();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const checked = check(EdgeBody, { id: id.trim() }, t, { id: 'vId' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice(null);
    // Rotating is what happens when the id the hub will use is one of the institution's.
    const target = edgeIdFor(user.institutionId ?? '', checked.data.id, known);
    if (known.includes(target) && confirming !== target) return setConfirming(target);
    setConfirming(null);
    setBusy(true);
    try {
      const res = await api.registerEdge(checked.data);
      setSecret(res);
      setNotice({ kind: 'ok', text: t(res.rotated ? 'edgeRotated' : 'edgeRegistered', { id: res.id }) });
      setId('');
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="setup-section" data-section="edges">
      <h2>{t('setupEdges')}</h2>
      <div class="setup-grid">
        <form class="card setup-form" data-form="edge" onSubmit={(e) => void submit(e)} noValidate>
          <Field label={t('edgeId')} name="id" error={fields.id} hint={t('edgeHint')}>
            <input name="id" value={id} autocomplete="off" onInput={(e) => (setId(e.currentTarget.value), setConfirming(null))} />
          </Field>
          {known.length > 0 && (
            <div class="known">
              <span class="field-label">{t('knownEdges')}</span>
              <div class="chips">
                {known.map((k) => (
                  <button key={k} type="button" class="chip-button" data-known-edge={k} onClick={() => (setId(k), setConfirming(null))}>{k}</button>
                ))}
              </div>
            </div>
          )}
          <NoticeLine notice={notice} />
          {confirming ? (
            <div class="confirm" role="alertdialog" data-confirm-rotate={confirming}>
              <p>{t('rotateConfirm', { id: confirming })}</p>
              <div class="form-actions">
                <button type="submit" class="danger" disabled={busy} data-action="confirm-rotate">{t('rotate')}</button>
                <button type="button" onClick={() => setConfirming(null)}>{t('cancel')}</button>
              </div>
            </div>
          ) : (
            <div class="form-actions">
              <button type="submit" class="primary" disabled={busy} data-action="register-edge">{t('registerEdge')}</button>
            </div>
          )}
        </form>
        {secret && (
          <OneTimeSecret
            title={t(secret.rotated ? 'edgeRotated' : 'edgeRegistered', { id: secret.id })}
            rows={[[t('mqttUsername'), secret.id], [t('institution'), secret.institutionId]]}
            passwordLabel={t('mqttPassword')}
            password={secret.password}
            onDone={() => setSecret(null)}
          />
        )}
      </div>
    </section>
  );
}
