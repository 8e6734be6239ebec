/**
 * The guardian port (issue 26), phone-sized first: their own children only — attendance
 * calendar with the month's counted days, incidents that concerned the child, the
 * institution's notices, face consent with the edges' deletion acknowledgement, and the
 * PIPL export. No video. Live pushes (check-in/out, incident closed) arrive over Socket.IO
 * in the guardian's own room and show as a banner.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import type { UserView } from '../../../../protocol/api.ts';
import type { GuardianCalendar, GuardianChild, GuardianConsentState, GuardianIncident, GuardianPush, NoticeView } from '../../../../protocol/guardian-api.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../../protocol/live.ts';
import type { ApiClient } from '../../api.ts';
import { download } from '../../download.ts';
import { dateIn, formatClock, formatTime } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';

const ZONE = 'Asia/Shanghai';

interface Props {
  user: UserView;
  token: string;
  api: ApiClient;
  onSignOut: () => void;
}

export function GuardianApp({ user, token, api, onSignOut }: Props) {
  const { t, lang, setLang } = useI18n();
  const [children, setChildren] = useState<GuardianChild[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [pushes, setPushes] = useState<GuardianPush[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.myChildren().then((c) => {
      setChildren(c);
      setSelected((s) => s ?? c[0]?.id ?? null);
    }, (e: unknown) => console.warn('children', e));
  }, [api]);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io('/', { auth: { token }, transports: ['websocket', 'polling'] });
    socket.on('guardian', (p) => {
      setPushes((l) => [p, ...l].slice(0, 5));
      setTick((n) => n + 1);
    });
    return () => void socket.close();
  }, [token]);

  const logout = async (): Promise<void> => {
    await api.logout().catch((e: unknown) => console.warn('logout', e));
    onSignOut();
  };
  const child = children?.find((c) => c.id === selected) ?? null;

  return (
    <div class="guardian">
      <header class="g-top">
        <span class="logo">{t('appName')}</span>
        <span class="who"><span translate={false}>{user.displayName}</span> · {t('roleGuardian')}</span>
        <button class="link" data-action="lang" translate={false} lang={lang === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>{t('language')}</button>
        <button class="link" data-action="logout" onClick={() => void logout()}>{t('logout')}</button>
      </header>
      {pushes.map((p, i) => (
        <div class="g-push" role="status" data-push={p.type} key={`${i}-${p.type}`}>
          <span>{pushText(p, t, lang)}</span>
          <button class="link" onClick={() => setPushes((l) => l.filter((x) => x !== p))}>{t('gDismiss')}</button>
        </div>
      ))}
      <main class="g-main">
        <p class="g-muted">{t('gNoVideo')}</p>
        {children && children.length === 0 && <p>{t('gNoChildren')}</p>}
        {children && children.length > 1 && (
          <nav class="g-tabs">
            {children.map((c) => (
              <button key={c.id} class={c.id === selected ? 'active' : ''} onClick={() => setSelected(c.id)} translate={false}>{c.name}</button>
            ))}
          </nav>
        )}
        {child && <ChildView key={child.id} child={child} api={api} tick={tick} />}
        <Notices api={api} />
      </main>
    </div>
  );
}

function pushText(p: GuardianPush, t: ReturnType<typeof useI18n>['t'], lang: ReturnType<typeof useI18n>['lang']): string {
  if (p.type === 'attendance') return t(p.direction === 'in' ? 'gPushIn' : 'gPushOut', { name: p.childName, t: formatClock(p.at, lang, ZONE) });
  return t('gPushIncident', { name: p.childName, kind: t(`kind_${p.kind}` as MessageKey) });
}

function ChildView({ child, api, tick }: { child: GuardianChild; api: ApiClient; tick: number }) {
  const { t } = useI18n();
  return (
    <section class="g-child" data-child={child.id}>
      <h2 translate={false}>{child.name}</h2>
      <Calendar child={child} api={api} tick={tick} />
      <Incidents child={child} api={api} tick={tick} />
      <Consent child={child} api={api} />
      <div class="card g-card">
        <h3>{t('gExport')}</h3>
        <p class="g-muted">{t('gExportHint')}</p>
        <button class="primary" data-action="export" onClick={() => void api.childExport(child.id).then((b) => download(b, `anyu-child-${child.id}.json`))}>{t('gExport')}</button>
      </div>
    </section>
  );
}

function monthOf(ms: number): string {
  return dateIn(ms, ZONE).slice(0, 7);
}
function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function Calendar({ child, api, tick }: { child: GuardianChild; api: ApiClient; tick: number }) {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(() => monthOf(Date.now()));
  const [cal, setCal] = useState<GuardianCalendar | null>(null);
  useEffect(() => {
    api.childCalendar(child.id, month).then(setCal, (e: unknown) => console.warn('calendar', e));
  }, [child.id, month, tick]);
  const cells = useMemo(() => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // weeks start on Monday
    return { days, lead };
  }, [month]);
  const byDate = new Map((cal?.days ?? []).map((d) => [d.date, d]));
  const zone = cal?.timeZone ?? ZONE;
  const weekdays = lang === 'zh-CN' ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
  const events = cal?.events ?? [];
  return (
    <div class="card g-card" data-part="calendar">
      <h3>{t('gCalendar')}</h3>
      <div class="g-month">
        <button class="link" aria-label={t('gPrevMonth')} onClick={() => setMonth((m) => shiftMonth(m, -1))}>‹</button>
        <strong translate={false}>{month}</strong>
        <button class="link" aria-label={t('gNextMonth')} onClick={() => setMonth((m) => shiftMonth(m, 1))}>›</button>
      </div>
      {cal?.subsidy ? (
        <p class="g-counted" data-counted={cal.subsidy.countedDays}>
          {t('gCounted', { n: cal.subsidy.countedDays, full: cal.subsidy.fullDays, half: cal.subsidy.halfDays })} · {t(cal.subsidy.fullMonth ? 'gFullMonth' : 'gNotFullMonth')}
        </p>
      ) : null}
      <div class="g-grid" translate={false}>
        {weekdays.map((w) => <span class="g-wd" key={w}>{w}</span>)}
        {Array.from({ length: cells.lead }, (_, i) => <span key={`l${i}`} />)}
        {Array.from({ length: cells.days }, (_, i) => {
          const date = `${month}-${String(i + 1).padStart(2, '0')}`;
          const d = byDate.get(date);
          return (
            <span key={date} class={`g-day${d ? (d.minutes >= 240 || d.open ? ' present' : ' short') : ''}`} data-date={date} title={d ? `${d.firstIn ? formatClock(d.firstIn, lang, zone) : ''}–${d.lastOut ? formatClock(d.lastOut, lang, zone) : ''}` : ''}>{i + 1}</span>
          );
        })}
      </div>
      {events.length === 0 ? <p class="g-muted">{t('gNoDays')}</p> : (
        <ul class="g-events">
          {[...events].reverse().slice(0, 20).map((e) => (
            <li key={e.id} data-event={e.direction}>
              <span>{t(e.direction === 'in' ? 'gDayIn' : 'gDayOut', { t: formatTime(e.at, lang, zone) })}</span>
              <span class="g-src">{t(`attSource_${e.source}` as MessageKey)}{e.state === 'pending' ? ` · ${t('gPending')}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Incidents({ child, api, tick }: { child: GuardianChild; api: ApiClient; tick: number }) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<GuardianIncident[] | null>(null);
  useEffect(() => {
    api.childIncidents(child.id).then(setList, (e: unknown) => console.warn('incidents', e));
  }, [child.id, tick]);
  return (
    <div class="card g-card" data-part="incidents">
      <h3>{t('gIncidents')}</h3>
      {list && list.length === 0 && <p class="g-muted">{t('gNoIncidents')}</p>}
      {list?.map((i) => (
        <div class="g-incident" key={i.id} data-incident={i.id}>
          <strong>{t(`kind_${i.kind}` as MessageKey)}</strong> · {formatTime(i.startedAt, lang, ZONE)}
          {i.roomName && <span translate={false}> · {i.roomName}</span>}
          <div>{i.outcome ? t(`out_${i.outcome}` as MessageKey) : ''} · {t('gClosedAt', { t: formatTime(i.closedAt, lang, ZONE) })}</div>
          {i.note && <div class="g-note"><span class="g-muted">{t('gNote')}{t('gColon')}</span><span translate={false}>{i.note}</span></div>}
        </div>
      ))}
    </div>
  );
}

function Consent({ child, api }: { child: GuardianChild; api: ApiClient }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<GuardianConsentState | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () => api.childConsent(child.id).then(setState, (e: unknown) => console.warn('consent', e));
  useEffect(() => void load(), [child.id]);
  // Until every edge has acknowledged the latest config, look again every few seconds.
  useEffect(() => {
    if (!state || state.edges.every((e) => e.ackedVersion === e.version)) return;
    const timer = setTimeout(() => void load(), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  const change = async (grant: boolean): Promise<void> => {
    if (!grant && !confirm(t('gWithdrawConfirm'))) return;
    setBusy(true);
    try {
      setState(await api.setChildConsent(child.id, grant));
    } finally {
      setBusy(false);
    }
  };
  if (!state) return null;
  return (
    <div class="card g-card" data-part="consent" data-consent={state.faceConsent ? 'on' : 'off'}>
      <h3>{t('gConsent')}</h3>
      <p>{t(state.faceConsent ? 'gConsentOn' : 'gConsentOff')}</p>
      <ul class="g-edges">
        {state.edges.map((e) => {
          const acked = e.ackedVersion === e.version;
          const key: MessageKey = !acked ? 'gEdgePending' : e.holdsTemplate ? (state.faceConsent ? 'gEdgeEnrolled' : 'gEdgeHolds') : e.deletedAt ? 'gEdgeDeleted' : 'gEdgeNone';
          return <li key={e.edgeId} data-edge={e.edgeId} data-edge-state={key}>{t('gDevice')} <span translate={false}>{e.edgeId}</span>{t('gColon')}{t(key, { t: formatTime(e.deletedAt, lang, ZONE) })}</li>;
        })}
      </ul>
      {state.faceConsent
        ? <button class="danger" data-action="withdraw" disabled={busy} onClick={() => void change(false)}>{t('gWithdraw')}</button>
        : <button class="primary" data-action="grant" disabled={busy} onClick={() => void change(true)}>{t('gGrant')}</button>}
    </div>
  );
}

function Notices({ api }: { api: ApiClient }) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<NoticeView[] | null>(null);
  useEffect(() => {
    api.guardianNotices().then(setList, (e: unknown) => console.warn('notices', e));
  }, [api]);
  return (
    <div class="card g-card" data-part="notices">
      <h3>{t('gNotices')}</h3>
      {list && list.length === 0 && <p class="g-muted">{t('gNoNotices')}</p>}
      {list?.map((n) => (
        <div class="g-notice" key={n.id}>
          <strong translate={false}>{n.title}</strong> {n.unread && <span class="g-badge">{t('gNew')}</span>}
          <div class="g-muted">{formatTime(n.postedAt, lang, ZONE)}</div>
          <p translate={false}>{n.body}</p>
        </div>
      ))}
    </div>
  );
}
