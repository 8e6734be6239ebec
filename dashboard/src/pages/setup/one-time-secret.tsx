/**
 * A password the hub returns once (edge MQTT password, generated sign-in password): shown
 * with a copy button and a warning until the person says they saved it.
 */
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n.ts';

interface Props {
  title: string;
  /** Label/value rows shown above the password (e.g. the MQTT username). */
  rows: [string, string][];
  passwordLabel: string;
  password: string;
  onDone: () => void;
}

/** Clipboard API first; on plain-http LAN addresses it is missing, so fall back to a selection copy. */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  if (navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      console.warn('clipboard write refused, falling back to a selection copy', err);
    }
  }
  if (!input) return false;
  input.select();
  return document.execCommand('copy');
}

export function OneTimeSecret({ title, rows, passwordLabel, password, onDone }: Props) {
  const { t } = useI18n();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const input = useRef<HTMLInputElement>(null);
  return (
    <div class="secret card" role="dialog" aria-label={title} data-secret>
      <h3>{title}</h3>
      <p class="secret-warning" data-once-warning>⚠ {t('onceWarning')}</p>
      <dl class="facts">
        {rows.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd class="mono-strong" translate={false}>{v}</dd></div>
        ))}
      </dl>
      <label class="field">
        <span class="field-label">{passwordLabel}</span>
        <div class="secret-row">
          <input ref={input} class="secret-value" readOnly value={password} data-secret-value
            onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="primary" data-action="copy"
            onClick={() => void copyText(password, input.current).then((ok) => setCopy(ok ? 'copied' : 'failed'))}>
            {copy === 'copied' ? t('copied') : t('copy')}
          </button>
        </div>
      </label>
      {copy === 'failed' && <p class="error">{t('copyFailed')}</p>}
      <button type="button" data-action="secret-done" onClick={onDone}>{t('savedIt')}</button>
    </div>
  );
}
