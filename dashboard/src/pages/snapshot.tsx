/**
 * A snapshot fetched with the session's bearer token (so it works without relying on the
 * cookie), shown from an object URL that is released when the card goes away.
 */
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session.ts';
import { useI18n } from '../i18n.ts';

const RETRIES = 3;
const RETRY_MS = 1_500;

export function Snapshot({ id, available }: { id: string; available: boolean }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!available) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The JPEG travels on its own topic and may land a moment after the incident says it exists.
    const load = (attempt: number): void => {
      api.snapshot(id).then(
        (blob) => {
          if (cancelled) return;
          objectUrl = URL.createObjectURL(blob);
          setUrl(objectUrl);
        },
        (err: unknown) => {
          console.warn('snapshot', id, err);
          if (!cancelled && attempt < RETRIES) timer = setTimeout(() => load(attempt + 1), RETRY_MS);
        },
      );
    };
    load(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id, available]);
  if (!available) return <div class="snapshot empty none">{t('noSnapshot')}</div>;
  if (!url) return <div class="snapshot empty">{t('loading')}</div>;
  return <img class="snapshot" src={url} alt={t('snapshot')} data-snapshot={id} />;
}
