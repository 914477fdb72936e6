/**
 * Variants of the bundled models/default.ecgpu for tests of model-file checks: its JSON header edited
 * and/or tensors overwritten, with the payload checksum made to match, so only the check under test
 * can refuse the result.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { crc32 } from '../../src/image/crc32.js';
import { ModelFileError } from '../../src/models/model-file.js';

export const bundledPath = fileURLToPath(new URL('../../models/default.ecgpu', import.meta.url));
export const bundled = new Uint8Array(readFileSync(bundledPath));

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const headerLength = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(8, true);
/** A model file's JSON header, parsed. */
export const headerOf = (b: Uint8Array): Json => JSON.parse(new TextDecoder().decode(b.subarray(12, 12 + headerLength(b))));
/** A copy of a model file's payload (the tensors). */
export const payloadOf = (b: Uint8Array) => Uint8Array.from(b.subarray(Math.ceil((12 + headerLength(b)) / 4) * 4));

/** A model file of `base`'s magic with header `h` and `payload` (the header is written as given: checksum included). */
export function encodeModel(base: Uint8Array, h: Json, payload: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(start + payload.length);
  out.set(base.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payload, start);
  return out;
}

/** The bundled model with its header edited and/or its payload changed; the checksum is made to match. */
export function variant(edit: (h: Json) => void, editPayload: (p: Uint8Array, h: Json) => void = () => {}): Uint8Array {
  const h = headerOf(bundled);
  const payload = payloadOf(bundled);
  editPayload(payload, h);
  h.payloadCrc32 = crc32(payload);
  edit(h);
  return encodeModel(bundled, h, payload);
}

/** Sets every value of tensor `name` to `value` (or to `fill(i)`). */
export function fillTensor(name: string, value: number | ((i: number) => number)) {
  return (p: Uint8Array, h: Json) => {
    const t = h.tensors.find((x: Json) => x.name === name);
    if (!t) throw new Error(`no tensor ${name}`);
    const v = new DataView(p.buffer);
    for (let i = 0; i < t.length; i++) v.setFloat32(t.offset + 4 * i, typeof value === 'number' ? value : value(i), true);
  };
}


/**
 * The problem `read` finds in `bytes` (a one-line ModelFileError naming the file 'm.ecgpu'), without
 * the file name; a file that is accepted fails the test.
 */
export function problemOf(read: (bytes: Uint8Array, source: string) => void, bytes: Uint8Array): string {
  try {
    read(bytes, 'm.ecgpu');
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    const msg = (e as Error).message;
    expect(msg.startsWith('m.ecgpu: ')).toBe(true);
    expect(msg).not.toContain('\n');
    return msg.slice('m.ecgpu: '.length);
  }
  throw new Error('the file was accepted');
}
