/**
 * Labelled keypoint sequences of real clips: the vision pipeline's view of the clip's
 * subject (from the keypoint cache) with each frame's class from the dataset labels.
 */
import type { ClipInfo } from './clips.ts';
import { activityOf, type LabelledSample } from './dataset.ts';
import { loadOrExtract, subjectSequence } from './keypoint-cache.ts';
import { createVisionSource } from './vision-source.ts';

export async function realSequences(clips: readonly ClipInfo[], log: (msg: string) => void): Promise<LabelledSample[][]> {
  const source = createVisionSource();
  try {
    const out: LabelledSample[][] = [];
    for (const clip of clips) {
      const cached = await loadOrExtract(clip, { signature: source.signature, pipeline: source.pipeline, log });
      const subject = subjectSequence(cached);
      out.push(
        cached.frames.map((f, i) => {
          const p = subject[i] ?? null;
          return { keypoints: p?.keypoints ?? null, label: p ? activityOf(clip.labelAt(f.t), p.keypoints, p.box) : null };
        }),
      );
    }
    return out;
  } finally {
    await source.close();
  }
}
