/**
 * The face module of an entrance camera: detect → align → anti-spoof score → descriptor →
 * match against the enrolled templates (cosine, best template of each child) → decision.
 *
 * Decision (thresholds from `npm run eval:faces`, models/README.md "Faces"):
 * - similarity ≥ accept (children's FAR 1e-4, see DEFAULT_ACCEPT): a check-in, `needsConfirm: false`;
 * - propose ≤ similarity < accept: a proposal for the best-matching child, `needsConfirm: true`
 *   (staff confirm with one tap); so is any match whose anti-spoofing score is below
 *   `minRealScore`: a possible photo or screen is never checked in on its own;
 * - below propose: nothing (not a face of anyone enrolled).
 * `confidence` maps similarity to 0..1 piecewise linearly: propose → 0, accept → 0.5, 1 → 1.
 *
 * Enrolment is refused unless the child is in the consent list the hub sent last
 * (EdgeConfig.faceConsent); photos are never stored, only their descriptors (encrypted).
 */
import { cosine, FaceModels, type DescriptorName, type DetectedFace } from './face-models.ts';
import { decodeJpeg, type RgbImage } from './image.ts';
import type { TemplateStore } from './template-store.ts';

/**
 * Defaults measured by `npm run eval:faces` (models/README.md "Faces") for the face-api
 * descriptor on aligned chips with the mirrored chip averaged in (`faceapi-flip`), children
 * 0–5 y (pairs ≤ 2 y apart): accept at the FAR 1e-4 threshold (0.978), not 1e-3 (0.969),
 * because the entrance searches all N enrolled children at once and a stranger's chance of
 * passing for someone grows ≈ N-fold (≈ 0.5 % a face at N = 50 instead of ≈ 5 %); propose
 * at 0.925, where 98 % of genuine child pairs score above (and half of the impostor child
 * pairs: among small children this descriptor separates little, so a detected child's face
 * becomes at least a proposal, as the hand path wants, while adults' faces, best match
 * ≈ 0.88–0.91 against children, mostly give nothing). Config (`attendance.acceptThreshold` / `proposeThreshold`)
 * may override both.
 */
export const DEFAULT_DESCRIPTOR: DescriptorName = 'faceapi-flip';
export const DEFAULT_ACCEPT = 0.978;
export const DEFAULT_PROPOSE = 0.925;

export class ConsentError extends Error {
  readonly code = 'NO_CONSENT';
}
export class EnrolmentError extends Error {
  readonly code = 'ENROLMENT';
}

export interface RecognizerOptions {
  descriptor?: DescriptorName;
  acceptThreshold?: number;
  proposeThreshold?: number;
  minFacePx?: number;
  /** Below this anti-spoofing score a match is only a proposal; 0 turns the check off. */
  minRealScore?: number;
}

export interface Candidate {
  childId: string;
  similarity: number;
  confidence: number;
  needsConfirm: boolean;
}

/** The best match (`childId` … `needsConfirm`) and the runners-up above the propose threshold. */
export interface Recognition extends Candidate {
  /** Best first, one per child, at most 3, all ≥ propose; runners-up are always needsConfirm. */
  candidates: Candidate[];
  /** Anti-spoofing score (0..1, higher = live), when checked. */
  real?: number;
  box: DetectedFace['box'];
}

export function similarityToConfidence(sim: number, propose: number, accept: number): number {
  const c = sim >= accept ? 0.5 + (0.5 * (sim - accept)) / Math.max(1e-9, 1 - accept) : (0.5 * (sim - propose)) / Math.max(1e-9, accept - propose);
  return Math.min(1, Math.max(0, Math.round(c * 1000) / 1000));
}

export class FaceRecognizer {
  readonly descriptor: DescriptorName;
  readonly accept: number;
  readonly propose: number;
  private readonly minFacePx: number;
  private readonly minReal: number;
  private consent = new Set<string>();
  /** Faces (large enough) found in the last frame `recognise` looked at. */
  lastDetected = 0;

  constructor(
    readonly models: FaceModels,
    readonly store: TemplateStore,
    opts: RecognizerOptions = {},
  ) {
    this.descriptor = opts.descriptor ?? DEFAULT_DESCRIPTOR;
    this.accept = opts.acceptThreshold ?? DEFAULT_ACCEPT;
    this.propose = opts.proposeThreshold ?? DEFAULT_PROPOSE;
    this.minFacePx = opts.minFacePx ?? 40;
    this.minReal = opts.minRealScore ?? 0.5;
    if (this.propose > this.accept) throw new Error('proposeThreshold must not be above acceptThreshold');
  }

  /** The children whose guardians' consent is in force (from the hub's EdgeConfig). */
  setConsent(childIds: Iterable<string>): void {
    this.consent = new Set(childIds);
  }

  hasConsent(childId: string): boolean {
    return this.consent.has(childId);
  }

  /** Enrols one child from photos (JPEG bytes); refused without consent or without exactly one clear face per photo. */
  async enrol(childId: string, photos: Uint8Array[]): Promise<{ templates: number }> {
    if (!this.consent.has(childId)) {
      throw new ConsentError(`child ${childId} has no face-recognition consent on record at this edge (the hub's consent list); enrolment refused`);
    }
    if (photos.length === 0) throw new EnrolmentError('no photo given');
    const vectors: Float32Array[] = [];
    for (const [i, bytes] of photos.entries()) {
      let img: RgbImage;
      try {
        img = decodeJpeg(bytes);
      } catch (err) {
        throw new EnrolmentError(`photo ${i + 1}: not a readable JPEG (${(err as Error).message})`);
      }
      const faces = (await this.models.detect(img)).filter((f) => Math.min(f.box.width, f.box.height) >= this.minFacePx);
      if (faces.length === 0) throw new EnrolmentError(`photo ${i + 1}: no face found (at least ${this.minFacePx} px); use a frontal, well-lit photo`);
      if (faces.length > 1) throw new EnrolmentError(`photo ${i + 1}: ${faces.length} faces found; use a photo of this child alone`);
      vectors.push(await this.models.describe(this.descriptor, img, faces[0]!));
    }
    await this.store.enrol(childId, this.descriptor, vectors);
    return { templates: this.store.get(childId)?.vectors.length ?? 0 };
  }

  /** Best enrolled child for one descriptor (templates of other descriptors are ignored). */
  match(v: Float32Array): { childId: string; similarity: number } | null {
    return this.rank(v, 1)[0] ?? null;
  }

  /** The `k` best enrolled children (best template each), best first. */
  rank(v: Float32Array, k: number): { childId: string; similarity: number }[] {
    const all: { childId: string; similarity: number }[] = [];
    for (const [childId, t] of this.store.entries()) {
      if (t.descriptor !== this.descriptor || !this.consent.has(childId)) continue;
      let best = -Infinity;
      for (const tv of t.vectors) best = Math.max(best, cosine(v, tv));
      all.push({ childId, similarity: best });
    }
    return all.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  /** Every face in a frame that matches an enrolled child at least at the propose threshold. */
  async recognise(img: RgbImage): Promise<Recognition[]> {
    const faces = (await this.models.detect(img, { thorough: false })).filter((f) => Math.min(f.box.width, f.box.height) >= this.minFacePx);
    this.lastDetected = faces.length;
    const out: Recognition[] = [];
    for (const face of faces) {
      const v = await this.models.describe(this.descriptor, img, face);
      const ranked = this.rank(v, 3).filter((m) => m.similarity >= this.propose);
      if (ranked.length === 0) continue;
      let real: number | undefined;
      if (this.minReal > 0) real = (await this.models.spoofScores(img, face)).real;
      const spoofy = real !== undefined && real < this.minReal;
      const candidates = ranked.map((m, i) => ({
        childId: m.childId,
        similarity: m.similarity,
        confidence: similarityToConfidence(m.similarity, this.propose, this.accept),
        needsConfirm: i > 0 || m.similarity < this.accept || spoofy,
      }));
      out.push({ ...candidates[0]!, candidates, ...(real !== undefined ? { real } : {}), box: face.box });
    }
    return out;
  }
}
