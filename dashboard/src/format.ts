/** Display helpers shared by the pages: times in the viewer's zone, labels, colours. */
import type { IncidentKind, IncidentView, Severity } from '../../protocol/index.ts';
import type { Lang } from './i18n.ts';

export function formatTime(iso: string | null, lang: Lang): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

export function formatClock(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
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
};

/** `<input type="datetime-local">` value ↔ ISO string with offset. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
