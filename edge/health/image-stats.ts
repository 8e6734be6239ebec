/**
 * Cheap statistics of a frame for tamper detection, computed on a small grey copy so
 * they cost a few hundred microseconds per frame whatever the analysis size.
 */
export interface ImageStats {
  /** Mean grey level, 0–255. */
  mean: number;
  /** Standard deviation of the grey level. */
  std: number;
  /** Variance of the 4-neighbour Laplacian: high for sharp views, low for blurred ones. */
  lapVar: number;
  /** Mean absolute grey difference to the previous frame's grey copy (NaN for the first). */
  diff: number;
}

export const GREY_W = 160;
export const GREY_H = 90;

/** Nearest-neighbour downscale of packed RGB24 to grey (BT.601 luma weights). */
export function toGrey(rgb: Uint8Array, width: number, height: number, w = GREY_W, h = GREY_H): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / w));
      const i = (sy * width + sx) * 3;
      out[y * w + x] = 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    }
  }
  return out;
}

export function imageStats(grey: Float32Array, prev: Float32Array | null, w = GREY_W, h = GREY_H): ImageStats {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i]!;
    sum += v;
    sumSq += v * v;
  }
  const n = grey.length;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));

  let lSum = 0;
  let lSq = 0;
  let m = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - w]! + grey[i + w]! - 4 * grey[i]!;
      lSum += l;
      lSq += l * l;
      m += 1;
    }
  }
  const lMean = lSum / m;
  const lapVar = lSq / m - lMean * lMean;

  let diff = Number.NaN;
  if (prev && prev.length === grey.length) {
    let d = 0;
    for (let i = 0; i < n; i++) d += Math.abs(grey[i]! - prev[i]!);
    diff = d / n;
  }
  return { mean, std, lapVar, diff };
}
