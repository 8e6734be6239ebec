/**
 * Form plumbing shared by the setup pages: validation with the protocol's zod schemas
 * (messages in the page language, per field), API errors in words, a labelled field.
 */
import type { ComponentChildren } from 'preact';
import type { ZodType } from 'zod';
import { ApiError } from '../../api.ts';
import type { MessageKey, Translate } from '../../i18n.ts';

export type FieldErrors = Partial<Record<string, string>>;
export type Checked<T> = { ok: true; data: T } | { ok: false; fields: FieldErrors };

/** Fields whose format error deserves a specific sentence rather than "invalid value". */
export type FormatHints = Partial<Record<string, MessageKey>>;

interface Issue {
  code: string;
  path: PropertyKey[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  inclusive?: boolean;
  expected?: string;
}

function issueText(t: Translate, issue: Issue, hint: MessageKey | undefined): string {
  const n = Number(issue.minimum ?? issue.maximum ?? 0);
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return n <= 1 ? t('vRequired') : t('vTooShort', { n });
      if (issue.origin === 'number') return n === 0 && issue.inclusive === false ? t('vPositive') : t('vMin', { n });
      return t('vInvalid');
    case 'too_big':
      return issue.origin === 'string' ? t('vTooLong', { n }) : issue.origin === 'number' ? t('vMax', { n }) : t('vInvalid');
    case 'invalid_format':
      return hint ? t(hint) : t('vInvalid');
    case 'invalid_type':
      if (issue.expected === 'int') return t('vInteger');
      if (issue.expected === 'number') return t('vNumber');
      return t('vRequired');
    case 'invalid_value':
      return t('vChoice');
    default:
      return t('vInvalid');
  }
}

/** Parses `value` with the protocol schema; each failing field gets one message (the first). */
export function check<T>(schema: ZodType<T>, value: unknown, t: Translate, hints: FormatHints = {}): Checked<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues as Issue[]) {
    const key = String(issue.path[0] ?? '_form');
    // A too-short string that is empty is simply missing: say "required".
    const empty = typeof (value as Record<string, unknown>)[key] === 'string' && (value as Record<string, string>)[key] === '';
    fields[key] ??= empty ? t('vRequired') : issueText(t, issue, hints[key]);
  }
  return { ok: false, fields };
}

/** A number input's text as the API wants it: empty → null (optional fields), else a number (NaN fails validation). */
export function numberOrNull(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

export type ErrorContext = Partial<Record<409 | 403 | 404, MessageKey>>;

/** A failed request in the page language; `ctx` names what 409/403/404 mean for this form. */
export function apiErrorText(t: Translate, err: unknown, ctx: ErrorContext = {}, params: Record<string, string> = {}): string {
  if (!(err instanceof ApiError)) return t('errGeneric', { status: '–', msg: err instanceof Error ? err.message : String(err) });
  const specific = ctx[err.status as 409 | 403 | 404];
  if (specific) return t(specific, params);
  switch (err.status) {
    case 400:
      return t('errBadRequest', { msg: err.message });
    case 403:
      return t('errForbidden');
    case 429:
      return t('errRateLimited');
    case 503:
      return t('notAvailable');
    default:
      return t('errGeneric', { status: err.status, msg: err.message });
  }
}

interface FieldProps {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ComponentChildren;
}

export function Field({ label, name, error, hint, children }: FieldProps) {
  return (
    <label class={`field ${error ? 'invalid' : ''}`} data-field={name}>
      <span class="field-label">{label}</span>
      {children}
      {error ? (
        <span class="field-error" data-error-for={name} role="alert">{error}</span>
      ) : (
        hint && <span class="field-hint">{hint}</span>
      )}
    </label>
  );
}

export type Notice = { kind: 'ok' | 'error'; text: string } | null;

export function NoticeLine({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return (
    <p class={notice.kind === 'ok' ? 'notice ok' : 'error'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-notice={notice.kind}>
      {notice.text}
    </p>
  );
}
