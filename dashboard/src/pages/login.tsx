import { useState } from 'preact/hooks';
import type { UserView } from '../../../protocol/api.ts';
import { ApiError, type ApiClient } from '../api.ts';
import { useI18n } from '../i18n.ts';

interface Props {
  api: ApiClient;
  onLogin: (token: string, user: UserView) => void;
}

export function LoginPage({ api, onLogin }: Props) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.login(username, password);
      onLogin(res.token, res.user);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('loginFailed') : String((err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-screen">
      <form class="login card" onSubmit={(e) => void submit(e)}>
        <h1>
          {t('appName')} <small>{t('appTagline')}</small>
        </h1>
        <label>
          {t('username')}
          <input name="username" autocomplete="username" value={username} required
            onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autocomplete="current-password" value={password} required
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('login')}</button>
        <a href="#/signup" class="link" data-action="signup">{t('gSignupLink')}</a>
        <button type="button" class="link" data-action="lang" translate={false} lang={lang === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('language')}
        </button>
      </form>
    </div>
  );
}
