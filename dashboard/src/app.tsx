/** The shell: language, sign-in, the live connection, role-aware navigation and routing. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CameraView, InstitutionView, RegionView, RoomView, UserView } from '../../protocol/api.ts';
import { createApi } from './api.ts';
import { createLive, useConnState } from './live.ts';
import { createAlarm } from './alarm.ts';
import { I18nContext, loadLang, saveLang, translator, useI18n, type Lang, type MessageKey } from './i18n.ts';
import { PAGES_BY_ROLE, SessionContext, sessionTimeZone, type Page, type Session } from './session.ts';
import { navigate, parseHash, useRoute } from './router.ts';
import { LoginPage } from './pages/login.tsx';
import { LiveWall } from './pages/live-wall.tsx';
import { IncidentLog } from './pages/incident-log.tsx';
import { IncidentDetailPage } from './pages/incident-detail.tsx';
import { CamerasPage } from './pages/cameras.tsx';
import { ChartsPage } from './pages/charts.tsx';
import { CoveragePage } from './pages/coverage.tsx';
import { InstitutionCoveragePage } from './pages/coverage-institution.tsx';
import { SetupPage } from './pages/setup/setup-page.tsx';
import { InstitutionsPage } from './pages/setup/institutions.tsx';
import { AttendancePage } from './pages/attendance/attendance-page.tsx';
import { SubsidyPage } from './pages/subsidy.tsx';
import { GuardianApp } from './pages/guardian/guardian-app.tsx';
import { SignupPage } from './pages/guardian/signup.tsx';

const TOKEN_KEY = 'anyu.token';

const NAV_LABEL: Record<Page, MessageKey> = {
  live: 'navLive',
  incidents: 'navLog',
  cameras: 'navCameras',
  charts: 'navCharts',
  coverage: 'navCoverage',
  setup: 'navSetup',
  attendance: 'navAttendance',
  subsidy: 'navSubsidy',
  guardian: 'navGuardian',
};

const ROLE_LABEL: Record<UserView['role'], MessageKey> = {
  supervisor: 'roleSupervisor',
  institution_admin: 'roleInstitutionAdmin',
  regulator: 'roleRegulator',
  guardian: 'roleGuardian',
};

export function App() {
  const [lang, setLangState] = useState<Lang>(() => loadLang(localStorage));
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (l: Lang) => {
        saveLang(localStorage, l);
        setLangState(l);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('appName') + ' · ' + i18n.t('appTagline');
  }, [lang]);

  const route = useRoute();
  const [token, setToken] = useState<string | null>(() => localStorage.getItem(TOKEN_KEY));
  const [user, setUser] = useState<UserView | null>(null);
  const [booting, setBooting] = useState(token !== null);
  const signOut = (): void => {
    localStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setUser(null);
  };
  const api = useMemo(() => createApi(() => localStorage.getItem(TOKEN_KEY), signOut), []);

  useEffect(() => {
    if (!token || user) return;
    api.me().then(
      (me) => {
        setUser(me);
        setBooting(false);
      },
      (err: unknown) => {
        console.warn('session check failed', err);
        setBooting(false);
      },
    );
  }, [token]);

  const onLogin = (t: string, u: UserView): void => {
    localStorage.setItem(TOKEN_KEY, t);
    setToken(t);
    setUser(u);
    // Keep a deep link (e.g. an incident sent by message) when this role may open it.
    const allowed: readonly string[] = PAGES_BY_ROLE[u.role];
    if (!allowed.includes(parseHash(location.hash).page)) navigate(allowed[0] ?? 'live');
  };

  return (
    <I18nContext.Provider value={i18n}>
      {booting ? (
        <div class="boot">{i18n.t('loading')}</div>
      ) : user && token ? (
        user.role === 'guardian' ? <GuardianApp user={user} token={token} api={api} onSignOut={signOut} /> : <SignedIn user={user} token={token} api={api} onSignOut={signOut} />
      ) : route.page === 'signup' ? (
        <SignupPage api={api} onLogin={onLogin} />
      ) : (
        <LoginPage api={api} onLogin={onLogin} />
      )}
    </I18nContext.Provider>
  );
}

interface SignedInProps {
  user: UserView;
  token: string;
  api: Session['api'];
  onSignOut: () => void;
}

function SignedIn({ user, token, api, onSignOut }: SignedInProps) {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const [rooms, setRooms] = useState<ReadonlyMap<string, RoomView>>(new Map());
  const [cameras, setCameras] = useState<ReadonlyMap<string, CameraView>>(new Map());
  const [institutions, setInstitutions] = useState<ReadonlyMap<string, InstitutionView>>(new Map());
  const [regions, setRegions] = useState<ReadonlyMap<string, RegionView>>(new Map());
  const live = useMemo(
    () =>
      createLive({
        token,
        fetchOpen: async () => (await api.incidents({ active: 'true', limit: 500 })).items,
      }),
    [token],
  );
  const alarm = useMemo(() => createAlarm(), []);
  const conn = useConnState(live);
  useEffect(() => {
    return () => {
      live.close();
      alarm.dispose();
    };
  }, [live]);
  const [refsTick, setRefsTick] = useState(0);
  useEffect(() => {
    api.rooms().then((r) => setRooms(new Map(r.map((x) => [x.id, x]))), (e: unknown) => console.warn('rooms', e));
    api.cameras().then((c) => setCameras(new Map(c.map((x) => [x.id, x]))), (e: unknown) => console.warn('cameras', e));
    api.institutions().then((l) => setInstitutions(new Map(l.map((x) => [x.id, x]))), (e: unknown) => console.warn('institutions', e));
    api.regions().then((l) => setRegions(new Map(l.map((x) => [x.id, x]))), (e: unknown) => console.warn('regions', e));
  }, [api, refsTick]);
  const refreshRefs = (): void => setRefsTick((n) => n + 1);

  const pages = PAGES_BY_ROLE[user.role];
  const current = (pages as readonly string[]).includes(route.page) ? (route.page as Page) : (pages[0] ?? 'live');
  const timeZone = sessionTimeZone(institutions.values());
  const session: Session = { user, api, live, alarm, rooms, cameras, institutions, regions, timeZone, refreshRefs };
  const connKey: MessageKey =
    conn === 'connected' ? 'connConnected' : conn === 'connecting' ? 'connConnecting' : 'connDisconnected';

  const logout = async (): Promise<void> => {
    await api.logout().catch((e: unknown) => console.warn('logout', e));
    onSignOut();
  };

  return (
    <SessionContext.Provider value={session}>
      <header class="topbar no-print">
        <div class="brand">
          <span class="logo">{t('appName')}</span>
          <span class="tagline">{t('appTagline')}</span>
        </div>
        <nav class="nav">
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} class={p === current ? 'active' : ''} data-nav={p}>
              {t(NAV_LABEL[p])}
            </a>
          ))}
        </nav>
        <div class="tools">
          <span class={`conn conn-${conn}`} data-conn={conn} role="status">
            <i class="dot" /> {t(connKey)}
          </span>
          <span class="who">
            <span translate={false}>{user.displayName}</span> · {t(ROLE_LABEL[user.role])}
          </span>
          {/* The other language's own name ("English", "中文"): not a string to translate. */}
          <button class="link" data-action="lang" translate={false} lang={lang === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
            {t('language')}
          </button>
          <button class="link" data-action="logout" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </div>
      </header>
      {/* Pages with dates start from "today" in the institutions' zone: remount when it is known. */}
      <main class="content" key={timeZone}>{renderPage(current, route.id, user.role)}</main>
    </SessionContext.Provider>
  );
}

function renderPage(page: Page, id: string | null, role: UserView['role']) {
  switch (page) {
    case 'live':
      return <LiveWall />;
    case 'incidents':
      return id ? <IncidentDetailPage id={id} /> : <IncidentLog />;
    case 'cameras':
      return <CamerasPage />;
    case 'charts':
      return <ChartsPage />;
    case 'coverage':
      return id ? <InstitutionCoveragePage id={id} /> : <CoveragePage />;
    case 'setup':
      return role === 'regulator' ? <InstitutionsPage /> : <SetupPage />;
    case 'attendance':
      return <AttendancePage />;
    case 'subsidy':
      return <SubsidyPage />;
    case 'guardian':
      return null;
  }
}
