import { ApiError } from '../api.ts';
import type { Translate } from '../i18n.ts';

/** What a failed load says to a person: features the hub has not enabled get their own sentence. */
export function errorText(t: Translate, err: unknown): string {
  if (err instanceof ApiError && err.status === 503) return t('notAvailable');
  return t('loadFailed', { msg: err instanceof Error ? err.message : String(err) });
}
