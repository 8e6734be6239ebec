/**
 * Labelled keypoint sequences of real clips: the vision pipeline's view of the clip's
 * subject (from the keypoint cache) with each frame's class from the dataset labels.
 */
import type { ClipInfo } from './clips.ts';
import { activityOf, type LabelledSample } from './dataset.ts';
import { subjectSequence, type CachedClip } from './keypoint-cache.ts';
import { extractClips } from './vision-source.ts';

export async function realSequences(clips: readonly ClipInfo[], log: (msg: string) => void): Promise<LabelledSample[][]> {
  const cached = await extractClips(clips, { log });
  return clips.map((clip, c) => {
    const clipCache = cached[c];
    if (!clipCache) throw new Error(`no keypoints for ${clip.id}`);
    return labelledSequence(clip, clipCache);
  });
}

/** One clip's subject, frame by frame, with each frame's class from the clip's labels. */
export function labelledSequence(clip: ClipInfo, cached: CachedClip): LabelledSample[] {
  const subject = subjectSequence(cached);
  return cached.frames.map((f, i) => {
    const p = subject[i] ?? null;
    return { keypoints: p?.keypoints ?? null, label: p ? activityOf(clip.labelAt(f.t), p.keypoints, p.box) : null };
  });
}
