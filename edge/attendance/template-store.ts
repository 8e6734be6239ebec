/**
 * Face templates at rest: one file, AES-256-GCM (node:crypto) with a fresh 96-bit IV on
 * every write, the format name as additional authenticated data, written to a temporary
 * file and renamed so a crash leaves the old or the new file, never half of one. The file
 * never holds plaintext; a changed byte or the wrong key fails authentication and opening
 * the store throws `TemplateStoreError` saying so (nothing is read, nothing overwritten).
 * Enrolment photos are not kept at all: only the descriptors computed from them.
 *
 * Layout: "ANYUFT1\n" (8 bytes) | IV (12) | tag (16) | ciphertext of the JSON
 * `{ v: 1, children: { <childId>: { descriptor, enrolledAt, vectors: [base64 float32…] } } }`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

const MAGIC = Buffer.from('ANYUFT1\n', 'latin1');
const AAD = Buffer.from('anyu face templates v1', 'utf8');

export class TemplateStoreError extends Error {
  readonly code = 'TEMPLATE_STORE';
}

export interface ChildTemplates {
  descriptor: string;
  enrolledAt: string;
  vectors: Float32Array[];
}

/** The 32-byte key: from `keyFile` (64 hex characters) or, without one, ANYU_FACE_KEY (64 hex). */
export function loadTemplateKey(keyFile?: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  let text: string | undefined;
  let from: string;
  if (keyFile !== undefined) {
    text = readFileSync(keyFile, 'utf8').trim();
    from = `key file ${keyFile}`;
  } else {
    text = env.ANYU_FACE_KEY?.trim();
    from = 'ANYU_FACE_KEY';
    if (!text) throw new TemplateStoreError('no face template key: set attendance.keyFile or ANYU_FACE_KEY to 64 hex characters (openssl rand -hex 32)');
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new TemplateStoreError(`${from}: the face template key must be 64 hex characters (32 bytes; openssl rand -hex 32)`);
  return Buffer.from(text, 'hex');
}

interface FileShape {
  v: 1;
  children: Record<string, { descriptor: string; enrolledAt: string; vectors: string[] }>;
}

function toB64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}
function fromB64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  Buffer.from(out.buffer).set(b);
  return out;
}

export function encryptTemplates(plain: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export function decryptTemplates(file: Buffer, key: Buffer, name = 'template file'): Buffer {
  if (file.length < MAGIC.length + 28 || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new TemplateStoreError(`${name}: not an Anyu face template file (bad header); refusing to use or overwrite it`);
  }
  const iv = file.subarray(8, 20);
  const tag = file.subarray(20, 36);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(AAD);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(file.subarray(36)), decipher.final()]);
  } catch {
    throw new TemplateStoreError(`${name}: authentication failed: the file was changed (tampered or corrupted) or the key is not the one it was written with; refusing to use or overwrite it`);
  }
}

export class TemplateStore {
  private children = new Map<string, ChildTemplates>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly key: Buffer,
  ) {}

  /** Opens (or starts) the store; a file that fails authentication throws `TemplateStoreError`. */
  static open(path: string, key: Buffer): TemplateStore {
    if (key.length !== 32) throw new TemplateStoreError('the face template key must be 32 bytes');
    const store = new TemplateStore(path, key);
    if (existsSync(path)) {
      const plain = decryptTemplates(readFileSync(path), key, path);
      const parsed = JSON.parse(plain.toString('utf8')) as FileShape;
      for (const [id, c] of Object.entries(parsed.children)) {
        store.children.set(id, { descriptor: c.descriptor, enrolledAt: c.enrolledAt, vectors: c.vectors.map(fromB64) });
      }
    }
    return store;
  }

  childIds(): string[] {
    return [...this.children.keys()].sort();
  }

  get(childId: string): ChildTemplates | undefined {
    return this.children.get(childId);
  }

  entries(): [string, ChildTemplates][] {
    return [...this.children.entries()];
  }

  /** Adds templates of one child (a re-enrolment with another descriptor replaces the old ones). */
  async enrol(childId: string, descriptor: string, vectors: Float32Array[], at = new Date()): Promise<void> {
    const prev = this.children.get(childId);
    const keep = prev && prev.descriptor === descriptor ? prev.vectors : [];
    this.children.set(childId, { descriptor, enrolledAt: at.toISOString(), vectors: [...keep, ...vectors] });
    await this.save();
  }

  /** Deletes every template of a child not in `allowed`; returns the ids deleted. */
  async retainOnly(allowed: Iterable<string>): Promise<string[]> {
    const keep = new Set(allowed);
    const deleted = this.childIds().filter((id) => !keep.has(id));
    for (const id of deleted) this.children.delete(id);
    if (deleted.length > 0) await this.save();
    return deleted;
  }

  /** Writes the encrypted file (serialised; temporary file, fsync, rename). */
  save(): Promise<void> {
    const run = async () => {
      const shape: FileShape = { v: 1, children: {} };
      for (const [id, c] of this.children) shape.children[id] = { descriptor: c.descriptor, enrolledAt: c.enrolledAt, vectors: c.vectors.map(toB64) };
      const bytes = encryptTemplates(Buffer.from(JSON.stringify(shape), 'utf8'), this.key);
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.tmp-${process.pid}`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }
}
