/**
 * JPEG of an incident frame. Boxes, skeletons and the blurring of bystanders' faces are
 * drawn by `edge/render/` before encoding when the agent is given a renderer; this module
 * only turns packed RGB into JPEG bytes.
 */
import jpeg from 'jpeg-js';
import type { SnapshotMeta } from '../../protocol/index.ts';

export interface EncodedSnapshot {
  jpeg: Uint8Array;
  meta: SnapshotMeta;
}

export function encodeSnapshot(rgb: Uint8Array, width: number, height: number, quality = 80): EncodedSnapshot {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i]!;
    rgba[j + 1] = rgb[i + 1]!;
    rgba[j + 2] = rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  const out = jpeg.encode({ data: rgba, width, height }, quality);
  const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  return { jpeg: bytes, meta: { contentType: 'image/jpeg', width, height, bytes: bytes.byteLength } };
}
