/** Guardian sign-up with the institution's one-time invite code (issue 26). */
import { useState } from 'preact/hooks';
import type { UserView } from '../../../../protocol/api.ts';
import { ApiError, type ApiClient } from '../../api.ts';
import { useI18n } from '../../i18n.ts';

interface Props {
  api: ApiClient;
  onLogin: (token: string, user: UserView) => void;
}

export function SignupPage({ api, onLogin }: Props) {
  const { t, lang, setLang } = useI18n();
  const [form, setForm] = useState({ code: '', username: '', displayName: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.guardianSignup(form);
      onLogin(res.token, res.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String((err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-screen">
      <form class="login card" onSubmit={(e) => void submit(e)} data-form="signup">
        <h1>{t('appName')} <small>{t('gSignupTitle')}</small></h1>
        <p class="g-muted">{t('gSignupHint')}</p>
        <label>{t('gInviteCode')}<input name="code" autocomplete="one-time-code" value={form.code} required onInput={field('code')} /></label>
        <label>{t('username')}<input name="username" autocomplete="username" value={form.username} required onInput={field('username')} /></label>
        <label>{t('gDisplayName')}<input name="displayName" value={form.displayName} required onInput={field('displayName')} /></label>
        <label>{t('gPasswordHint')}<input name="password" type="password" autocomplete="new-password" minLength={12} value={form.password} required onInput={field('password')} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('gSignup')}</button>
        <a href="#/" class="link">{t('gBackToLogin')}</a>
        <button type="button" class="link" data-action="lang" translate={false} lang={lang === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>{t('language')}</button>
      </form>
    </div>
  );
}
