/**
 * Pixel helpers for the face path: JPEG decoding (jpeg-js), the least-squares similarity
 * transform between landmark sets (Umeyama, no reflection) and a bilinear warp that cuts an
 * aligned face chip out of an RGB image. Plain JS on purpose: the same code runs on every
 * TF.js backend and in tests, and a 112–224 px chip costs well under a millisecond.
 */
import jpeg from 'jpeg-js';

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel, row-major. */
  data: Uint8Array;
}

export type Point = [number, number];

export function decodeJpeg(bytes: Uint8Array): RgbImage {
  const raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
  const rgb = new Uint8Array(raw.width * raw.height * 3);
  for (let i = 0, j = 0; i < raw.data.length; i += 4, j += 3) {
    rgb[j] = raw.data[i]!;
    rgb[j + 1] = raw.data[i + 1]!;
    rgb[j + 2] = raw.data[i + 2]!;
  }
  return { width: raw.width, height: raw.height, data: rgb };
}

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty (rotation, uniform scale, translation). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity mapping `src` points onto `dst` points (Umeyama 1991, 2-D). */
export function estimateSimilarity(src: Point[], dst: Point[]): Similarity {
  if (src.length !== dst.length || src.length < 2) throw new Error('estimateSimilarity: need ≥ 2 matching points');
  const n = src.length;
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = src[i]!, [bx, by] = dst[i]!;
    sx += ax; sy += ay; dx += bx; dy += by;
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let num1 = 0, num2 = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - sx, py = src[i]![1] - sy;
    const qx = dst[i]![0] - dx, qy = dst[i]![1] - dy;
    num1 += px * qx + py * qy;
    num2 += px * qy - py * qx;
    den += px * px + py * py;
  }
  if (den === 0) throw new Error('estimateSimilarity: source points coincide');
  const a = num1 / den;
  const b = num2 / den;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

export function invertSimilarity(m: Similarity): Similarity {
  const d = m.a * m.a + m.b * m.b;
  const a = m.a / d, b = -m.b / d;
  return { a, b, tx: -(a * m.tx - b * m.ty), ty: -(b * m.tx + a * m.ty) };
}

/**
 * Cuts a `size`×`size` chip: pixel (u, v) of the chip samples the image at inverse(m)(u, v)
 * bilinearly, where `m` maps image coordinates to chip coordinates. Outside the image: 0.
 * Returns float RGB 0..255, HWC.
 */
export function warpChip(img: RgbImage, m: Similarity, size: number): Float32Array {
  const inv = invertSimilarity(m);
  const out = new Float32Array(size * size * 3);
  const { width: w, height: h, data } = img;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const cx = u + 0.5, cy = v + 0.5;
      const x = inv.a * cx - inv.b * cy + inv.tx - 0.5;
      const y = inv.b * cx + inv.a * cy + inv.ty - 0.5;
      const o = (v * size + u) * 3;
      if (x < -1 || y < -1 || x > w || y > h) continue;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      const fx = x - x0, fy = y - y0;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const xi = x0 + (k & 1), yi = y0 + (k >> 1);
          if (xi < 0 || yi < 0 || xi >= w || yi >= h) continue;
          const wgt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
          acc += wgt * data[(yi * w + xi) * 3 + c]!;
        }
        out[o + c] = acc;
      }
    }
  }
  return out;
}

/** Axis-aligned crop (no rotation) resized to size×size: the chip a box-only pipeline would see. */
export function boxChip(img: RgbImage, box: { x: number; y: number; width: number; height: number }, size: number): Float32Array {
  const side = Math.max(box.width, box.height);
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const s = size / side;
  return warpChip(img, { a: s, b: 0, tx: size / 2 - s * cx, ty: size / 2 - s * cy }, size);
}
