/**
 * The FLAC decoder on a hand-built stream exercising what the libFLAC-written reference records
 * (wfdb-reference.test.ts) do not: side/right stereo, fixed predictors of order 3 and 4, an escaped
 * (raw) Rice partition, 5-bit Rice parameters, an empty first partition, a metadata block to skip.
 */
import { describe, expect, it } from 'vitest';
import { decodeFlac } from '../../src/ecg/flac.js';
import { EcgInputError } from '../../src/ecg/types.js';

/** MSB-first bit writer. */
class BitWriter {
  bits: number[] = [];
  put(v: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor((v < 0 ? v + 2 ** n : v) / 2 ** i) % 2);
    return this;
  }
  rice(v: number, k: number): this {
    const u = v >= 0 ? 2 * v : -2 * v - 1;
    for (let q = Math.floor(u / 2 ** k); q > 0; q--) this.bits.push(0);
    this.bits.push(1);
    return this.put(u % 2 ** k, k);
  }
  align(): this {
    while (this.bits.length % 8) this.bits.push(0);
    return this;
  }
  bytes(): Uint8Array {
    this.align();
    return Uint8Array.from({ length: this.bits.length / 8 }, (_, i) => this.bits.slice(8 * i, 8 * i + 8).reduce((a, b) => 2 * a + b, 0));
  }
}

describe('decodeFlac', () => {
  it('decodes side/right stereo, fixed orders 3 and 4, an escaped partition and 5-bit Rice parameters', () => {
    const side = { warm: [10, -20, 5], escaped: [3, -4, 0, 31, -32] }; // raw 6-bit residuals
    const right = { warm: [100, 90, 85, 83], rice: [1, -1, 2, 0] };
    const w = new BitWriter();
    'fLaC'.split('').forEach((c) => w.put(c.charCodeAt(0), 8));
    w.put(0, 1).put(4, 7).put(4, 24).put(0xdeadbeef, 32); // a PADDING-like block (type 4) of 4 bytes
    w.put(1, 1).put(0, 7).put(34, 24); // last block: STREAMINFO
    w.put(8, 16).put(8, 16).put(0, 24).put(0, 24).put(96000, 20).put(1, 3).put(15, 5).put(0, 36).put(0, 64).put(0, 64);
    // Frame header: sync, block size code 6 (8-bit size - 1), rate code 0, side/right (9), 16-bit (4).
    w.put(0x3ffe, 14).put(0, 2).put(6, 4).put(0, 4).put(9, 4).put(4, 3).put(0, 1).put(0, 8).put(7, 8).put(0, 8);
    // Subframe 0: the side channel (17 bits), FIXED order 3, one partition, escaped to 6 raw bits.
    w.put(0, 1).put(8 + 3, 6).put(0, 1);
    side.warm.forEach((v) => w.put(v, 17));
    w.put(0, 2).put(0, 4).put(15, 4).put(6, 5);
    side.escaped.forEach((v) => w.put(v, 6));
    // Subframe 1: the right channel (16 bits), FIXED order 4, 5-bit parameters, 2 partitions (the first empty).
    w.put(0, 1).put(8 + 4, 6).put(0, 1);
    right.warm.forEach((v) => w.put(v, 16));
    w.put(1, 2).put(1, 4).put(3, 5).put(1, 5);
    right.rice.forEach((v) => w.rice(v, 1));
    w.align().put(0, 16);

    const s = [...side.warm];
    for (const r of side.escaped) { const i = s.length; s.push(3 * s[i - 1] - 3 * s[i - 2] + s[i - 3] + r); }
    const rt = [...right.warm];
    for (const r of right.rice) { const i = rt.length; rt.push(4 * rt[i - 1] - 6 * rt[i - 2] + 4 * rt[i - 3] - rt[i - 4] + r); }
    const f = decodeFlac(w.bytes(), 'h.dat');
    expect(f).toMatchObject({ bitsPerSample: 16, sampleRate: 96000 });
    expect(Array.from(f.channels[1])).toEqual(rt);
    expect(Array.from(f.channels[0])).toEqual(s.map((v, i) => v + rt[i])); // left = side + right
  });

  it('names the file and the byte of what does not parse', () => {
    expect(() => decodeFlac(new Uint8Array([1, 2, 3]), 'x.dat')).toThrow(new EcgInputError('x.dat', 'not a FLAC file (no fLaC marker)'));
    const w = new BitWriter();
    'fLaC'.split('').forEach((c) => w.put(c.charCodeAt(0), 8));
    w.put(1, 1).put(0, 7).put(34, 24).put(8, 16).put(8, 16).put(0, 48).put(96000, 20).put(0, 3).put(15, 5).put(0, 36).put(0, 128);
    w.put(0x1234, 16);
    expect(() => decodeFlac(w.bytes(), 'y.dat')).toThrow(/^y\.dat: corrupt FLAC stream at byte 42: no frame sync code$/);
  });
});
