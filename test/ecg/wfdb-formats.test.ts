/** Storage formats: byte layouts as the WFDB library's readers and writers define them, round trips. */
import { describe, expect, it } from 'vitest';
import {
  SUPPORTED_FORMATS, bytesFor, decodeStream, encodeStream, invalidCode, paddedBytesFor, samplesIn, writtenBytesFor,
} from '../../src/ecg/wfdb-formats.js';
import { parseHeader } from '../../src/ecg/wfdb-header.js';
import { decodeSignals } from '../../src/ecg/wfdb-signals.js';
import { EcgInputError } from '../../src/ecg/types.js';
import { encodeDatRecord } from '../../src/ecg/wfdb-writer.js';
import { ints } from './wfdb-reference-cases.js';

const RANGE: Record<number, [number, number]> = {
  8: [-128, 127], 80: [-127, 127], 16: [-32767, 32767], 61: [-32767, 32767], 160: [-32767, 32767],
  24: [-(2 ** 23) + 1, 2 ** 23 - 1], 32: [-(2 ** 31) + 1, 2 ** 31 - 1], 212: [-2047, 2047], 310: [-511, 511], 311: [-511, 511],
};

describe('sample streams', () => {
  it('round-trips every format at its extremes, for every partial last group', () => {
    for (const format of SUPPORTED_FORMATS) {
      const [lo, hi] = RANGE[format];
      for (const n of [1, 2, 3, 4, 5, 6, 7]) {
        const samples = [lo, hi, ...ints(n, lo, hi, format + n)].slice(0, n);
        const bytes = encodeStream(samples, format);
        expect(bytes.length, `${format} × ${n}`).toBe(writtenBytesFor(format, n));
        expect(samplesIn(format, bytes.length), `${format} × ${n}`).toBeGreaterThanOrEqual(n);
        expect(bytesFor(format, n)).toBeLessThanOrEqual(bytes.length);
        expect(Array.from(decodeStream(bytes, 0, format, n)), `${format} × ${n}`).toEqual(samples);
      }
    }
  });

  it('reads 310 and 311 groups bit for bit as lib/signal.c r310/r311 do', () => {
    // 310: words w1 = s0 << 1 | (s2 & 0x1f) << 11, w2 = s1 << 1 | (s2 >> 5) << 11, little-endian.
    const s = [-3, 300, -400];
    const w1 = ((s[0] & 0x3ff) << 1) | ((s[2] & 0x1f) << 11), w2 = ((s[1] & 0x3ff) << 1) | (((s[2] & 0x3ff) >> 5) << 11);
    const b310 = new Uint8Array([w1 & 0xff, w1 >> 8, w2 & 0xff, w2 >> 8]);
    expect(Array.from(decodeStream(b310, 0, 310, 3))).toEqual(s);
    expect(Array.from(encodeStream(s, 310))).toEqual(Array.from(b310));
    // 311: one 32-bit LE word s0 | s1 << 10 | s2 << 20.
    const w = ((s[0] & 0x3ff) | ((s[1] & 0x3ff) << 10) | ((s[2] & 0x3ff) << 20)) >>> 0;
    const b311 = new Uint8Array([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24]);
    expect(Array.from(decodeStream(b311, 0, 311, 3))).toEqual(s);
    // A reader gets 1 sample from 2 bytes, 2 from 3 (311) or 4 (310) bytes, 3 from 4.
    expect([2, 3, 4].map((b) => samplesIn(311, b))).toEqual([1, 2, 3]);
    expect([2, 3, 4].map((b) => samplesIn(310, b))).toEqual([1, 1, 3]);
    expect([1, 2].map((n) => writtenBytesFor(311, n))).toEqual([2, 4]); // f311 flushes 2 leftovers as 4 bytes
    expect(paddedBytesFor(212, 3)).toBe(6);
  });

  it('offset binary, 24/32-bit and big-endian layouts', () => {
    expect(Array.from(decodeStream(new Uint8Array([0x00, 0x80, 0xff, 0xff, 0x00, 0x00]), 0, 160, 3))).toEqual([0, 32767, -32768]);
    expect(Array.from(decodeStream(new Uint8Array([0xff, 0xff, 0x7f, 0x00, 0x00, 0x80]), 0, 24, 2))).toEqual([8388607, -8388608]);
    expect(Array.from(decodeStream(new Uint8Array([0x01, 0x02, 0x03, 0x84]), 0, 32, 1))).toEqual([0x84030201 | 0]);
    expect(Array.from(decodeStream(new Uint8Array([0x12, 0x34]), 0, 61, 1))).toEqual([0x1234]);
    expect([8, 16, 24, 32, 212, 310].map(invalidCode)).toEqual([undefined, -32768, -(2 ** 23), -(2 ** 31), -2048, -512]);
  });
});

describe('format 8 (first differences) and the "no data" value of each format', () => {
  it('integrates differences from the initial value, per signal, across samples per frame', () => {
    const a = [10, 12, 9, 9, -20, -20, 100, 101], b = [0, -5, -133, -6];
    const files = encodeDatRecord({ name: 'd', fs: 100, signals: [
      { fileName: 'd.dat', format: 8, description: 'a', samples: a, samplesPerFrame: 2 },
      { fileName: 'd.dat', format: 8, description: 'b', samples: b },
    ] });
    expect(files['d.hea']).toMatch(/^d\.dat 8x2 200\/mV 0 0 10 /m);
    const d = decodeSignals(parseHeader(files['d.hea'] as string, 'd.hea'), new Map([['d.dat', files['d.dat'] as Uint8Array]]));
    expect(d.map((x) => Array.from(x))).toEqual([a, b]);
  });

  it('refuses a "no data" sample in a 24-bit and a 310 record', () => {
    for (const [format, bad] of [[24, -(2 ** 23)], [310, -512]]) {
      const files = encodeDatRecord({ name: 'n', fs: 100, counts: false, signals: [{ fileName: 'n.dat', format, description: 'x', samples: [1, bad, 3] }] });
      const h = parseHeader(files['n.hea'] as string, 'n.hea');
      expect(() => decodeSignals(h, new Map([['n.dat', files['n.dat'] as Uint8Array]]))).toThrow(EcgInputError);
      expect(() => decodeSignals(h, new Map([['n.dat', files['n.dat'] as Uint8Array]]))).toThrow(`signal 0 (x): sample 1 is ${bad}, the WFDB "no data" value`);
    }
  });
});
