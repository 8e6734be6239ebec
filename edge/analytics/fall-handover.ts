/**
 * Handover between track ids for the fall rule. Trackers drop a body that changes shape
 * fast (a fall turns a tall box into a wide one) and re-find it under a new id; without
 * the handover the new track has no history, never saw the person upright and can
 * never yield a fall candidate.
 */
import type { Box } from '../../protocol/index.ts';
import type { FallConfig } from './config.ts';
import type { TrackFallState } from './fall-detector.ts';

function centre(b: Box): [number, number] {
  return [b[0] + b[2] / 2, b[1] + b[3] / 2];
}

/**
 * The lost track (not seen at `now`, last seen ≤ `handoverSeconds` ago, not already
 * fallen) whose last box centre is nearest to `box`, within `handoverDistance` of its
 * last box height; null when none qualifies.
 */
export function findLostTrack(states: Iterable<TrackFallState>, box: Box, now: number, cfg: FallConfig): TrackFallState | null {
  if (cfg.handoverSeconds <= 0) return null;
  const [cx, cy] = centre(box);
  let best: TrackFallState | null = null;
  let bestDist = Infinity;
  for (const st of states) {
    const last = st.lastBox;
    if (!last || st.fallen || st.lastSeen >= now || now - st.lastSeen > cfg.handoverSeconds * 1000) continue;
    const [lx, ly] = centre(last);
    const dist = Math.hypot(cx - lx, cy - ly) / Math.max(1, last[3]);
    if (dist <= cfg.handoverDistance && dist < bestDist) {
      best = st;
      bestDist = dist;
    }
  }
  return best;
}
