/**
 * WFDB storage formats, bytes ↔ sample streams, pure (no Node modules) so a browser can use them.
 * Bit layouts follow the WFDB library's reader and writer routines in lib/signal.c (r16, w212, ...):
 *   8    8-bit first differences (the decoder returns the signed differences; integrate per signal)
 *   16   int16 LE · 61 int16 BE · 160 uint16 LE offset binary · 24 int24 LE · 32 int32 LE
 *   80   8-bit offset binary
 *   212  two 12-bit samples in 3 bytes
 *   310  three 10-bit samples in two LE 16-bit words: bits 1-10 of each word, the third sample's
 *        low 5 bits in bits 11-15 of word 1 and its high 5 bits in bits 11-15 of word 2
 *   311  three 10-bit samples in the low 30 bits of a LE 32-bit word
 * FLAC (508, 516, 524: 8, 16, 24-bit) is decoded by flac.ts, one channel per signal.
 */

/** A storage format's packing: `groupSamples` samples take `groupBytes` bytes; `partial[k]` is the
 * number of bytes the first k samples of a group need (what a reader must have to return them). */
interface Packing {
  groupSamples: number;
  groupBytes: number;
  partial: number[];
  /** Bytes the WFDB writer flushes for a last group of k samples (k ≥ 1), when not the reader's. */
  flush?: number[];
  /** Bits of a stored sample: its most negative value is the "no data" code. */
  bits: number;
}

const PACKING: Record<number, Packing> = {
  8: { groupSamples: 1, groupBytes: 1, partial: [0], bits: 8 },
  80: { groupSamples: 1, groupBytes: 1, partial: [0], bits: 8 },
  16: { groupSamples: 1, groupBytes: 2, partial: [0], bits: 16 },
  61: { groupSamples: 1, groupBytes: 2, partial: [0], bits: 16 },
  160: { groupSamples: 1, groupBytes: 2, partial: [0], bits: 16 },
  24: { groupSamples: 1, groupBytes: 3, partial: [0], bits: 24 },
  32: { groupSamples: 1, groupBytes: 4, partial: [0], bits: 32 },
  212: { groupSamples: 2, groupBytes: 3, partial: [0, 2], bits: 12 },
  // 310: sample 0 needs word 1, sample 1 word 2, sample 2 comes from bits already read.
  310: { groupSamples: 3, groupBytes: 4, partial: [0, 2, 4], bits: 10 },
  // 311: sample 0 needs bytes 0-1, sample 1 byte 2, sample 2 byte 3; f311 writes 2 leftovers as 4 bytes.
  311: { groupSamples: 3, groupBytes: 4, partial: [0, 2, 3], flush: [0, 2, 4], bits: 10 },
};

export const SUPPORTED_FORMATS = Object.keys(PACKING).map(Number).sort((a, b) => a - b);
export const FLAC_FORMATS = [508, 516, 524];

export function isSupportedFormat(format: number): boolean {
  return format in PACKING;
}

function packing(format: number): Packing {
  const p = PACKING[format];
  if (!p) throw new Error(`unreachable: format ${format} has no packing`);
  return p;
}

/** Bytes the first `n` samples of a stream need. */
export function bytesFor(format: number, n: number): number {
  const p = packing(format);
  const rest = n % p.groupSamples;
  return Math.floor(n / p.groupSamples) * p.groupBytes + (rest ? p.partial[rest] : 0);
}

/** The most bytes `n` samples may take: a partial last group padded whole (what a reader tolerates). */
export function paddedBytesFor(format: number, n: number): number {
  const p = packing(format);
  return Math.ceil(n / p.groupSamples) * p.groupBytes;
}

/** Bytes the WFDB library's writer (putvec + its f212/f310/f311 flush) takes for `n` samples. */
export function writtenBytesFor(format: number, n: number): number {
  const p = packing(format);
  const rest = n % p.groupSamples;
  return Math.floor(n / p.groupSamples) * p.groupBytes + (rest ? (p.flush ?? p.partial)[rest] : 0);
}

/** Samples a reader gets out of `bytes` bytes. */
export function samplesIn(format: number, bytes: number): number {
  const p = packing(format);
  const rest = bytes % p.groupBytes;
  let extra = 0;
  while (extra + 1 < p.groupSamples && p.partial[extra + 1] <= rest) extra++;
  return Math.floor(bytes / p.groupBytes) * p.groupSamples + extra;
}

/** The stored value the WFDB library reads as "no data" (the format's most negative value), or
 * undefined for format 8, whose differences have none. */
export function invalidCode(format: number): number | undefined {
  if (FLAC_FORMATS.includes(format)) return -(2 ** (format - 501));
  return format === 8 ? undefined : -(2 ** (packing(format).bits - 1));
}

const signExtend = (v: number, bits: number): number => (v & (1 << (bits - 1)) ? v - (1 << bits) : v);

/** Decodes `n` samples starting at byte `offset`. Format 8 yields the signed differences. */
export function decodeStream(bytes: Uint8Array, offset: number, format: number, n: number, bigEndian = false): Int32Array {
  const out = new Int32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b = (i: number) => bytes[offset + i];
  switch (format) {
    case 8: for (let k = 0; k < n; k++) out[k] = view.getInt8(offset + k); break;
    case 80: for (let k = 0; k < n; k++) out[k] = b(k) - 128; break;
    case 16: case 61: {
      const le = format === 16 && !bigEndian;
      for (let k = 0; k < n; k++) out[k] = view.getInt16(offset + 2 * k, le);
      break;
    }
    case 160: for (let k = 0; k < n; k++) out[k] = view.getUint16(offset + 2 * k, true) - 32768; break;
    case 24: for (let k = 0; k < n; k++) out[k] = signExtend(b(3 * k) | (b(3 * k + 1) << 8) | (b(3 * k + 2) << 16), 24); break;
    case 32: for (let k = 0; k < n; k++) out[k] = view.getInt32(offset + 4 * k, true); break;
    case 212:
      // byte0 = low 8 bits of s0; byte1 = high nibble of s1 | high nibble of s0; byte2 = low 8 bits of s1.
      for (let k = 0; k < n; k++) {
        const base = (k >> 1) * 3;
        const v = k & 1 ? b(base + 2) | ((b(base + 1) & 0xf0) << 4) : b(base) | ((b(base + 1) & 0x0f) << 8);
        out[k] = signExtend(v, 12);
      }
      break;
    case 310:
      for (let k = 0; k < n; k++) {
        const base = Math.floor(k / 3) * 4, j = k % 3;
        const w1 = b(base) | (b(base + 1) << 8);
        if (j === 0) out[k] = signExtend((w1 >> 1) & 0x3ff, 10);
        else {
          const w2 = b(base + 2) | (b(base + 3) << 8);
          out[k] = signExtend(j === 1 ? (w2 >> 1) & 0x3ff : ((w1 >> 11) & 0x1f) | (((w2 >> 11) & 0x1f) << 5), 10);
        }
      }
      break;
    case 311:
      for (let k = 0; k < n; k++) {
        const base = Math.floor(k / 3) * 4, j = k % 3;
        // Only the bytes sample j needs are read, as the WFDB reader does at the end of a file.
        const word = b(base) | (b(base + 1) << 8) | (j >= 1 ? b(base + 2) << 16 : 0) | (j === 2 ? b(base + 3) << 24 : 0);
        out[k] = signExtend((word >>> (10 * j)) & 0x3ff, 10);
      }
      break;
    default: throw new Error(`unreachable: decodeStream format ${format}`);
  }
  return out;
}

/**
 * Encodes a sample stream (for format 8: the first differences, as decodeStream returns them).
 * Values are wrapped to the format's width; a partial last group takes the bytes the WFDB
 * library's flush writes.
 */
export function encodeStream(samples: ArrayLike<number>, format: number): Uint8Array {
  const n = samples.length;
  const out = new Uint8Array(paddedBytesFor(format, n));
  const view = new DataView(out.buffer);
  const s = (k: number) => (k < n ? samples[k] : 0);
  switch (format) {
    case 8:
      for (let k = 0; k < n; k++) {
        if (samples[k] < -128 || samples[k] > 127) throw new RangeError(`format 8: difference ${samples[k]} at sample ${k} does not fit in 8 bits`);
        view.setInt8(k, samples[k]);
      }
      break;
    case 80: for (let k = 0; k < n; k++) out[k] = (samples[k] + 128) & 0xff; break;
    case 16: for (let k = 0; k < n; k++) view.setInt16(2 * k, samples[k], true); break;
    case 61: for (let k = 0; k < n; k++) view.setInt16(2 * k, samples[k], false); break;
    case 160: for (let k = 0; k < n; k++) view.setUint16(2 * k, (samples[k] + 32768) & 0xffff, true); break;
    case 24: for (let k = 0; k < n; k++) out.set([samples[k] & 0xff, (samples[k] >> 8) & 0xff, (samples[k] >> 16) & 0xff], 3 * k); break;
    case 32: for (let k = 0; k < n; k++) view.setInt32(4 * k, samples[k], true); break;
    case 212:
      for (let k = 0; k < n; k += 2) {
        const a = s(k) & 0xfff, c = s(k + 1) & 0xfff, base = (k / 2) * 3;
        out.set([a & 0xff, ((a >> 8) & 0x0f) | ((c >> 4) & 0xf0), c & 0xff], base);
      }
      break;
    case 310:
      for (let k = 0; k < n; k += 3) {
        const [a, c, d] = [s(k) & 0x3ff, s(k + 1) & 0x3ff, s(k + 2) & 0x3ff];
        view.setUint16((k / 3) * 4, (a << 1) | ((d & 0x1f) << 11), true);
        view.setUint16((k / 3) * 4 + 2, (c << 1) | ((d >> 5) << 11), true);
      }
      break;
    case 311:
      for (let k = 0; k < n; k += 3) {
        view.setUint32((k / 3) * 4, (s(k) & 0x3ff) | ((s(k + 1) & 0x3ff) << 10) | ((s(k + 2) & 0x3ff) << 20), true);
      }
      break;
    default: throw new Error(`encodeStream: format ${format} is not written`);
  }
  return out.subarray(0, writtenBytesFor(format, n));
}
