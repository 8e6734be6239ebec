/**
 * The encrypted template store: nothing in the file is readable without the key, a changed
 * byte or another key is a clear error (never a silent empty store that would then be
 * overwritten), key loading refuses bad keys, withdrawal deletes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplateKey, TemplateStore, TemplateStoreError } from '../../edge/attendance/template-store.ts';

const KEY = Buffer.from('8f'.repeat(32), 'hex');
const vec = (seed: number) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 31 + i) / 11);

async function filled(): Promise<{ path: string; store: TemplateStore }> {
  const path = join(mkdtempSync(join(tmpdir(), 'anyu-tpl-')), 'faces', 'templates.enc');
  const store = TemplateStore.open(path, KEY);
  await store.enrol('child-aa1', 'faceapi', [vec(1), vec(2)]);
  await store.enrol('child-bb2', 'faceapi', [vec(3)]);
  return { path, store };
}

describe('TemplateStore', () => {
  it('round-trips templates through the encrypted file', async () => {
    const { path } = await filled();
    const again = TemplateStore.open(path, KEY);
    expect(again.childIds()).toEqual(['child-aa1', 'child-bb2']);
    expect(Array.from(again.get('child-aa1')!.vectors[1]!)).toEqual(Array.from(vec(2)));
  });

  it('writes no plaintext: neither child ids, the format, nor any template bytes', async () => {
    const { path } = await filled();
    const bytes = readFileSync(path);
    for (const needle of ['child-aa1', 'child-bb2', 'faceapi', 'vectors', 'enrolledAt']) {
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(needle).toString('base64').slice(0, 8))), `${needle} (base64)`).toBe(false);
    }
    const raw = Buffer.from(vec(1).buffer);
    for (let i = 0; i + 16 <= raw.length; i += 16) expect(bytes.includes(raw.subarray(i, i + 16))).toBe(false);
    // Two writes of the same content differ (fresh IV every time).
    const store = TemplateStore.open(path, KEY);
    await store.save();
    expect(readFileSync(path).equals(bytes)).toBe(false);
  });

  it('refuses a tampered file with a clear error and leaves it as it was', async () => {
    const { path } = await filled();
    for (const offset of [5, 15, 30, 60, -1]) {
      const bytes = readFileSync(path);
      const i = offset < 0 ? bytes.length + offset : offset;
      const tampered = Buffer.from(bytes);
      tampered[i] = tampered[i]! ^ 0x01;
      writeFileSync(path, tampered);
      expect(() => TemplateStore.open(path, KEY)).toThrow(TemplateStoreError);
      expect(() => TemplateStore.open(path, KEY)).toThrow(offset === 5 ? /bad header/ : /authentication failed: the file was changed \(tampered or corrupted\) or the key is not the one/);
      expect(readFileSync(path).equals(tampered)).toBe(true);
      writeFileSync(path, bytes);
    }
    const truncated = readFileSync(path).subarray(0, 30);
    writeFileSync(path, truncated);
    expect(() => TemplateStore.open(path, KEY)).toThrow(/bad header/);
  });

  it('refuses the file under another key', async () => {
    const { path } = await filled();
    expect(() => TemplateStore.open(path, Buffer.from('11'.repeat(32), 'hex'))).toThrow(/authentication failed/);
  });

  it('retainOnly deletes every child not listed, on disk too, and says whom', async () => {
    const { path, store } = await filled();
    expect(await store.retainOnly(['child-bb2', 'child-zz9'])).toEqual(['child-aa1']);
    expect(await store.retainOnly(['child-bb2'])).toEqual([]);
    expect(TemplateStore.open(path, KEY).childIds()).toEqual(['child-bb2']);
  });

  it('loads the key from a file or ANYU_FACE_KEY and refuses anything but 64 hex characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anyu-key-'));
    const file = join(dir, 'face.key');
    writeFileSync(file, `${'ab'.repeat(32)}\n`);
    expect(loadTemplateKey(file).equals(Buffer.from('ab'.repeat(32), 'hex'))).toBe(true);
    expect(loadTemplateKey(undefined, { ANYU_FACE_KEY: 'cd'.repeat(32) }).equals(Buffer.from('cd'.repeat(32), 'hex'))).toBe(true);
    expect(() => loadTemplateKey(undefined, {})).toThrow(/no face template key: set attendance.keyFile or ANYU_FACE_KEY/);
    writeFileSync(file, 'secret-password');
    expect(() => loadTemplateKey(file)).toThrow(/must be 64 hex characters/);
    expect(() => loadTemplateKey(undefined, { ANYU_FACE_KEY: 'ab'.repeat(16) })).toThrow(/must be 64 hex characters/);
  });
});
