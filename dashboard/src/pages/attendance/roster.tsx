/**
 * The roster: children of the admin's institution, adding one, a CSV import (all rows or
 * none; the hub names the bad lines), face consent per child (recorded with the guardian's
 * name; withdrawing it makes every edge delete the child's templates), and what each edge
 * box acknowledged.
 */
import { useEffect, useState } from 'preact/hooks';
import { ChildBody, type ChildView, type EdgeConfigState } from '../../../../protocol/attendance-api.ts';
import { enumLabel, useI18n } from '../../i18n.ts';
import { roomName, useSession } from '../../session.ts';
import { formatTime } from '../../format.ts';
import { ApiError } from '../../api.ts';
import type { InviteCreated } from '../../../../protocol/guardian-api.ts';
import { apiErrorText, check, Field, NoticeLine, type FieldErrors, type Notice } from '../setup/form.tsx';

const IMPORT_COLUMNS = 'id,name,birthMonth,classType,roomId,enrolledFrom,enrolledTo,guardianName,guardianRelation,guardianPhone';
const EMPTY = { id: '', name: '', birthMonth: '', roomId: '', enrolledFrom: '', guardianName: '' };

export function RosterSection() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [children, setChildren] = useState<ChildView[]>([]);
  const [edges, setEdges] = useState<EdgeConfigState[]>([]);
  const [notice, setNotice] = useState<Notice>(null);
  const [lines, setLines] = useState<string[]>([]);
  const [draft, setDraft] = useState(EMPTY);
  const [fields, setFields] = useState<FieldErrors>({});
  const [tick, setTick] = useState(0);
  const [invite, setInvite] = useState<(InviteCreated & { childName: string }) | null>(null);
  useEffect(() => {
    s.api.children().then(setChildren, (e: unknown) => setNotice({ kind: 'error', text: apiErrorText(t, e) }));
    s.api.edgeConfigs().then(setEdges, (e: unknown) => setNotice({ kind: 'error', text: apiErrorText(t, e) }));
  }, [tick]);
  const refresh = (): void => setTick((n) => n + 1);
  // The edge acknowledges a new config within seconds: look again shortly after a consent change.
  const refreshSoon = (): void => {
    refresh();
    setTimeout(refresh, 1500);
  };

  const onImport = async (e: Event): Promise<void> => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setLines([]);
    try {
      const res = await s.api.importChildren(await file.text());
      setNotice({ kind: 'ok', text: t('attImported', { n: res.imported }) });
      refresh();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
      const body = err instanceof ApiError ? (err.body as { lines?: { line: number; message: string }[] } | null) : null;
      setLines((body?.lines ?? []).map((l) => t('attImportLine', { line: l.line, msg: l.message })));
    } finally {
      input.value = '';
    }
  };
  const grant = async (c: ChildView): Promise<void> => {
    const guardian = prompt(t('attGuardianPrompt'), c.guardians[0]?.name ?? '');
    if (!guardian) return;
    try {
      await s.api.grantConsent(c.id, guardian);
      refreshSoon();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
    }
  };
  const withdraw = async (c: ChildView): Promise<void> => {
    try {
      await s.api.withdrawConsent(c.id);
      refreshSoon();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
    }
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const checked = check(ChildBody, {
      id: draft.id.trim(),
      name: draft.name,
      birthMonth: draft.birthMonth,
      roomId: draft.roomId || null,
      enrolledFrom: draft.enrolledFrom,
      guardians: draft.guardianName.trim() ? [{ name: draft.guardianName }] : [],
    }, t, { id: 'vId' });
    setFields(checked.ok ? {} : checked.fields);
    if (!checked.ok) return setNotice({ kind: 'error', text: t('errFixFields') });
    try {
      const saved = await s.api.saveChild(checked.data);
      setNotice({ kind: 'ok', text: t('attSaved', { name: saved.name }) });
      setDraft(EMPTY);
      refresh();
    } catch (err) {
      setNotice({ kind: 'error', text: apiErrorText(t, err) });
    }
  };
  const set = (k: keyof typeof EMPTY) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  return (
    <section class="setup-section" data-section="roster">
      <NoticeLine notice={notice} />
      {invite && (
        <div class="card invite-slip" data-invite={invite.childId} role="dialog">
          <h3>{t('gInviteFor', { name: invite.childName })}</h3>
          <p class="invite-code mono" data-invite-code translate={false}>{invite.code}</p>
          <p class="muted">{invite.guardianName} · {t('gInviteExpires', { t: formatTime(invite.expiresAt, lang, s.timeZone) })}</p>
          <div class="no-print">
            <button type="button" class="primary" onClick={() => print()}>{t('gPrint')}</button>{' '}
            <button type="button" data-action="close-invite" onClick={() => setInvite(null)}>{t('gClose')}</button>
          </div>
        </div>
      )}
      {lines.length > 0 && <ul class="error" data-import-errors>{lines.map((l) => <li key={l}>{l}</li>)}</ul>}
      <div class="setup-grid">
        <div class="card table-wrap">
          <table class="log">
            <thead>
              <tr><th>{t('attChildId')}</th><th>{t('attName')}</th><th>{t('attBirthMonth')}</th><th>{t('attClass')}</th><th>{t('room')}</th><th>{t('attGuardian')}</th><th>{t('attFaceConsent')}</th><th /></tr>
            </thead>
            <tbody>
              {children.length === 0 && <tr><td colSpan={8} class="empty">{t('attNoChildren')}</td></tr>}
              {children.map((c) => (
                <tr key={c.id} data-child={c.id}>
                  <td class="mono" translate={false}>{c.id}</td>
                  <td>{c.name}</td>
                  <td>{c.birthMonth}</td>
                  <td>{enumLabel(t, 'cls', c.classType)}</td>
                  <td>{roomName(s, c.roomId)}</td>
                  <td>
                    {c.guardians.length === 0 && '–'}
                    {c.guardians.map((g, n) => (
                      <span key={n} class="guardian-cell">
                        {g.name}{' '}
                        <button type="button" class="link" data-action="invite" data-guardian={n} onClick={() => void s.api.createInvite(c.id, n).then((inv) => setInvite({ ...inv, childName: c.name }), (e: unknown) => alert((e as Error).message))}>{t('gInvite')}</button>
                      </span>
                    ))}
                  </td>
                  <td data-consent={c.faceConsent ? 'yes' : 'no'}>
                    {t(c.faceConsent ? 'attConsentYes' : 'attConsentNo')}
                    {c.enrolledOn.length > 0 && <span class="muted"> · {t('attEnrolledOn', { n: c.enrolledOn.length })}</span>}
                  </td>
                  <td>
                    {c.faceConsent
                      ? <button type="button" data-action="withdraw" onClick={() => void withdraw(c)}>{t('attWithdraw')}</button>
                      : <button type="button" data-action="grant" onClick={() => void grant(c)}>{t('attGrant')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <form class="card setup-form" data-form="child" onSubmit={(e) => void save(e)} noValidate>
            <h3>{t('attNewChild')}</h3>
            <Field label={t('attChildId')} name="id" error={fields.id}><input name="id" value={draft.id} onInput={set('id')} autocomplete="off" /></Field>
            <Field label={t('attName')} name="name" error={fields.name}><input name="name" value={draft.name} onInput={set('name')} /></Field>
            <Field label={t('attBirthMonth')} name="birthMonth" error={fields.birthMonth}><input name="birthMonth" type="month" value={draft.birthMonth} onInput={set('birthMonth')} /></Field>
            <Field label={t('room')} name="roomId" error={fields.roomId}>
              <select name="roomId" value={draft.roomId} onChange={set('roomId')}>
                <option value="">{t('none')}</option>
                {[...s.rooms.values()].map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
              </select>
            </Field>
            <Field label={t('attEnrolled')} name="enrolledFrom" error={fields.enrolledFrom}><input name="enrolledFrom" type="date" value={draft.enrolledFrom} onInput={set('enrolledFrom')} /></Field>
            <Field label={t('attGuardian')} name="guardianName" error={fields['guardians.0.name']}><input name="guardianName" value={draft.guardianName} onInput={set('guardianName')} /></Field>
            <div class="form-actions"><button type="submit" class="primary" data-action="save-child">{t('save')}</button></div>
          </form>
          <div class="card setup-form">
            <h3>{t('attImport')}</h3>
            <p class="muted">{t('attImportHint')}</p>
            <code class="mono" translate={false}>{IMPORT_COLUMNS}</code>
            <input type="file" accept=".csv,text/csv" name="roster-csv" data-action="import" aria-label={t('attImport')} onChange={(e) => void onImport(e)} />
          </div>
          <div class="card setup-form" data-section="edge-configs">
            <h3>{t('attEdges')}</h3>
            {edges.length === 0 && <p class="muted">{t('attNoEdges')}</p>}
            <ul class="plain">
              {edges.map((e) => (
                <li key={e.edgeId} data-edge={e.edgeId} data-acked={e.ackedVersion === e.version ? 'yes' : 'no'}>
                  <span class="mono" translate={false}>{e.edgeId}</span> · {t('attEdgeVersion', { v: e.version })} ·{' '}
                  {e.ackedVersion === e.version ? t('attEdgeAcked', { v: e.version }) : t('attEdgeWaiting', { n: e.publishes })}
                  {e.deletedAt && <span class="muted"> · {t('attEdgeDeleted', { at: formatTime(e.deletedAt, lang, s.timeZone) })}</span>}
                </li>
              ))}
            </ul>
          </div>
        </div>
      </div>
    </section>
  );
}
