/**
 * Sentences about incidents and coverage gaps, written by the dashboard in the reader's
 * language from the structured evidence the edge and the hub send (counts, peak, limit,
 * tamper kind, fall measurements, gap codes). The edge's own English `message` is never
 * shown: it is for logs and other clients.
 */
import type { Evidence, GapReason, IncidentView } from '../../protocol/index.ts';
import { countsText, enumLabel, type Translate } from './i18n.ts';

type Incident = Pick<IncidentView, 'kind' | 'evidence' | 'active' | 'raisedBy'> & { message?: string | null };

const n = (v: number | undefined): number => v ?? 0;

/** The ratio rule's numbers: adults, children and those of unknown age. */
function ratioText(t: Translate, place: string, c: Record<string, number>, limit: number | undefined): string {
  const base = t('txtRatio', { place, adults: n(c.adults), children: n(c.children) });
  const rule = limit === undefined ? '' : t('txtRatioRule', { limit });
  return `${base}${rule}${c.unknown ? t('txtUnknownAge', { n: c.unknown }) : ''}`;
}

/** One line saying what happened, for a wall card, a log row or a report. */
export function incidentSummary(t: Translate, i: Incident, place: string): string {
  const e: Evidence = i.evidence;
  const now = e.counts ?? {};
  const peak = e.peak ?? now;
  switch (i.kind) {
    case 'crowding': {
      const worst = n(peak.persons);
      const line = t('txtCrowding', { place, n: worst, limit: e.limit ?? '?' });
      // An ended breach says what raised it, then where it ended.
      return !i.active && e.peak && n(now.persons) !== worst ? `${line}${t('txtNowCount', { n: n(now.persons) })}` : line;
    }
    case 'ratio':
      return ratioText(t, place, peak, e.limit);
    case 'unattended':
      return t('txtUnattended', { place, n: n(peak.children) + n(peak.unknown) });
    case 'fall': {
      const fallen = n(peak.fallen) || (e.falls?.length ?? 0) || 1;
      return i.active ? t('txtFallActive', { place, n: fallen }) : t('txtFallEnded', { place, n: fallen });
    }
    case 'camera_offline':
      return i.active ? t('txtOffline') : t('txtOfflineEnded');
    case 'camera_tamper': {
      const kind = e.tamper ?? tamperFromReason(e.reason);
      const what = kind ? enumLabel(t, 'tamper', kind) : t('txtTamperUnknown');
      return i.active ? what : `${what}${t('txtTamperEnded')}`;
    }
    case 'alarm': {
      const where = place === '–' ? t('alarmWholeSite') : place;
      if (i.raisedBy) return t('txtAlarmRaised', { who: i.raisedBy, place: where });
      return t('txtAlarmInput', { input: e.input ?? '?', place: where });
    }
  }
}

/** Edges before the `tamper` field wrote it first in `reason` ("covered: mean …"). */
function tamperFromReason(reason: string | undefined): string | null {
  const m = /^(blacked_out|covered|frozen|blurred):/.exec(reason ?? '');
  return m ? m[1]! : null;
}

/** The fall rule's measurements of each fallen person, in words. */
export function fallText(t: Translate, e: Evidence): string | null {
  if (!e.falls?.length) return null;
  return e.falls
    .map((f) => {
      const parts = [t('txtFallPath', { track: f.track, path: enumLabel(t, 'path', f.path) }), t('txtFallDrop', { drop: f.drop.toFixed(2) })];
      if (f.speed !== null) parts.push(t('txtFallSpeed', { speed: f.speed.toFixed(2) }));
      if (f.descentSeconds !== null) parts.push(t('txtFallDescent', { s: f.descentSeconds.toFixed(2) }));
      return parts.join(t('listSep'));
    })
    .join(t('groupSep'));
}

/** Evidence counts now, and at the worst moment when that differs. */
export function evidenceText(t: Translate, e: Evidence): string | null {
  if (!e.counts) return null;
  const now = countsText(t, e.counts);
  if (e.peak && JSON.stringify(e.peak) !== JSON.stringify(e.counts)) return `${now}（${t('peak')}: ${countsText(t, e.peak)}）`;
  return now;
}

/** Why a day was not covered, in words. */
export function gapReasonText(t: Translate, r: GapReason, camera: (id: string) => string): string {
  switch (r.code) {
    case 'not_registered':
      return t('gapNotRegistered');
    case 'no_cameras':
      return t('gapNoCameras');
    case 'camera_unmapped':
      return t('gapUnmapped', { camera: camera(r.cameraId) });
    case 'no_edge_reported':
      return t('gapNoEdge');
    case 'camera_online_share':
      return t('gapOnlineShare', { camera: camera(r.cameraId), share: Math.round(r.share * 100), needed: Math.round(r.needed * 100) });
    case 'not_started':
      return t('gapNotStarted');
  }
}

export { countsText };
