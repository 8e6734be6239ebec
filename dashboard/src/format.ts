/**
 * Display helpers shared by the pages: times and dates in the institution's time zone (the
 * hub says which, `InstitutionView.timeZone`), never the browser's, so a report, a chart
 * and "today" mean the same day at the centre, the regulator's office and the hub. Labels,
 * colours.
 */
import type { IncidentKind, IncidentView, Severity } from '../../protocol/index.ts';
import { zonedWallTimeToMs } from '../../protocol/time-zone.ts';
import type { Lang, Translate } from './i18n.ts';

export function formatTime(iso: string | null, lang: Lang, timeZone: string): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(lang, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

export function formatClock(iso: string, lang: Lang, timeZone: string): string {
  return new Date(iso).toLocaleTimeString(lang, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** The time alone when it is today in `timeZone`, else the date with it (a wall card from yesterday says so). */
export function formatWhen(iso: string, lang: Lang, timeZone: string, nowMs = Date.now()): string {
  if (dateIn(Date.parse(iso), timeZone) === dateIn(nowMs, timeZone)) return formatClock(iso, lang, timeZone);
  const date = new Date(iso).toLocaleDateString(lang, { timeZone, month: '2-digit', day: '2-digit' });
  return `${date} ${formatClock(iso, lang, timeZone)}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function dateIn(ms: number, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f.format(new Date(ms));
}

/** `<input type="datetime-local">` value, read as wall-clock time in `timeZone` → ISO string. */
export function zonedInputToIso(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return new Date(zonedWallTimeToMs(wall, timeZone)).toISOString();
}

export const SEVERITY_CLASS: Record<Severity, string> = {
  info: 'sev-info',
  warning: 'sev-warning',
  critical: 'sev-critical',
};

/** Kinds where a child may be hurt or alone right now: sound until someone acknowledges. */
const URGENT_KINDS: ReadonlySet<IncidentKind> = new Set(['fall', 'unattended']);

export function needsAlarm(i: IncidentView): boolean {
  return i.status === 'new' && (URGENT_KINDS.has(i.kind) || i.severity === 'critical');
}

/** One colour per kind, used by the charts and the kind chips. */
export const KIND_COLOUR: Record<IncidentKind, string> = {
  fall: '#d7263d',
  unattended: '#f46036',
  crowding: '#2e86ab',
  ratio: '#7b2cbf',
  camera_offline: '#6c757d',
  camera_tamper: '#c9a227',
  alarm: '#9b1d20',
};


export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** A duration a person reads at a glance: "38 秒", "4 分 5 秒", "3 小时 12 分", "5 天 8 小时" (never "463721 秒"). */
export function formatDuration(t: Translate, seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('durS', { n: s });
  if (s < 3600) return t('durMS', { m: Math.floor(s / 60), s: s % 60 });
  if (s < 86_400) return t('durHM', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t('durDH', { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) });
}
