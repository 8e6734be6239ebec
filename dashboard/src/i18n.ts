/**
 * A small message catalogue: zh-CN (default, the staff's language) and English. Keys are
 * checked by TypeScript so a missing translation fails the typecheck, not the nurse station.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, zh, type MessageKey } from './messages.ts';

export type { MessageKey } from './messages.ts';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const catalogues: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'anyu.lang';

export function loadLang(storage: Storage): Lang {
  const saved = storage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export function saveLang(storage: Storage, lang: Lang): void {
  storage.setItem(STORAGE_KEY, lang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const table = catalogues[lang];
  return (key, params) => {
    const text = table[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Looks up an enum label such as `kind_fall`; unknown values are shown as they are. */
export function enumLabel(
  t: Translate,
  prefix: 'kind' | 'sev' | 'st' | 'out' | 'cam' | 'lvl' | 'count' | 'zone' | 'cls' | 'tamper' | 'path' | 'age' | 'posture',
  value: string,
): string {
  const key = `${prefix}_${value}`;
  return key in zh ? t(key as MessageKey) : value;
}

/** Evidence counts such as `{ adults: 1, children: 4 }` as "成人 1，幼儿 4" (zero unknowns left out). */
export function countsText(t: Translate, counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([k, v]) => !(k === 'unknown' && v === 0))
    .map(([k, v]) => `${enumLabel(t, 'count', k)} ${v}`)
    .join(t('listSep'));
}

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: 'zh-CN', t: translator('zh-CN'), setLang: () => undefined });

export function useI18n(): I18n {
  return useContext(I18nContext);
}
