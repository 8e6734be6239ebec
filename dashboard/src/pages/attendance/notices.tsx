/** 家长通知 / Notices to guardians (issue 26): the admin posts; guardians read them on their page. */
import { useEffect, useState } from 'preact/hooks';
import type { NoticeView } from '../../../../protocol/guardian-api.ts';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { formatTime } from '../../format.ts';

export function NoticesSection() {
  const s = useSession();
  const { t, lang } = useI18n();
  const [list, setList] = useState<NoticeView[]>([]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    s.api.notices().then(setList, (e: unknown) => setError((e as Error).message));
  }, [tick]);
  const post = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      await s.api.postNotice(title, body);
      setTitle('');
      setBody('');
      setTick((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="setup-grid">
      <div class="card">
        <h3>{t('gNotices')}</h3>
        {list.length === 0 && <p class="muted">{t('gNoNotices')}</p>}
        {list.map((n) => (
          <div class="g-notice" key={n.id} data-notice={n.id}>
            <strong translate={false}>{n.title}</strong>
            <div class="muted">{formatTime(n.postedAt, lang, s.timeZone)}</div>
            <p translate={false}>{n.body}</p>
          </div>
        ))}
      </div>
      <form class="card setup-form" data-form="notice" onSubmit={(e) => void post(e)}>
        <h3>{t('gPostNotice')}</h3>
        <label>{t('gNoticeTitle')}<input name="title" maxLength={200} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} /></label>
        <label>{t('gNoticeBody')}<textarea name="body" maxLength={5000} rows={5} required value={body} onInput={(e) => setBody(e.currentTarget.value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary">{t('gPost')}</button>
      </form>
    </div>
  );
}
