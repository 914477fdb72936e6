/**
 * A FLAC decoder, pure (bytes in, one Int32Array per channel out), for WFDB's formats 508/516/524:
 * the WFDB library stores each signal of a file as one FLAC channel (lib/signal.c flac_osinit).
 * Implements what a FLAC stream can hold (https://www.rfc-editor.org/rfc/rfc9639): STREAMINFO, frames
 * with CONSTANT, VERBATIM, FIXED and LPC subframes, wasted bits, Rice-coded residuals (4- and 5-bit
 * parameters, escapes) and the three stereo decorrelations. CRCs and the MD5 are not verified; a frame
 * that does not parse is an error naming the file and the byte.
 */
import { EcgInputError } from './types.js';

export interface FlacStream {
  channels: Int32Array[];
  bitsPerSample: number;
  sampleRate: number;
}

/** MSB-first bit reader over a byte array. */
class Bits {
  pos = 0; // bit position
  constructor(readonly bytes: Uint8Array, readonly fail: (why: string) => never) {}

  get byte(): number {
    return this.pos >>> 3;
  }

  read(n: number): number {
    if (n === 0) return 0;
    if (this.pos + n > this.bytes.length * 8) this.fail('unexpected end of the file inside a frame');
    let v = 0;
    for (let i = 0; i < n; ) {
      const byte = this.bytes[this.pos >>> 3], off = this.pos & 7;
      const take = Math.min(8 - off, n - i);
      v = v * (1 << take) + ((byte >>> (8 - off - take)) & ((1 << take) - 1));
      this.pos += take;
      i += take;
    }
    return v;
  }

  signed(n: number): number {
    const v = this.read(n);
    return n > 0 && v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }

  /** Count of 0 bits before the next 1 (consumed). */
  unary(): number {
    let q = 0;
    for (;;) {
      if (this.pos >= this.bytes.length * 8) this.fail('unexpected end of the file inside a residual');
      const byte = this.bytes[this.pos >>> 3], off = this.pos & 7;
      const rest = (byte << off) & 0xff;
      if (rest === 0) {
        q += 8 - off;
        this.pos += 8 - off;
        continue;
      }
      const lead = Math.clz32(rest) - 24;
      q += lead;
      this.pos += lead + 1;
      return q;
    }
  }

  align(): void {
    this.pos = (this.pos + 7) & ~7;
  }
}

const BLOCK_SIZES = [0, 192, 576, 1152, 2304, 4608, -8, -16, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const SAMPLE_SIZES = [0, 8, 12, 0, 16, 20, 24, 32];

/** The residual of a subframe into out[order..n) (Rice partitions). */
function residual(b: Bits, out: Float64Array, n: number, order: number): void {
  const method = b.read(2);
  if (method > 1) b.fail(`reserved residual coding method ${method}`);
  const paramBits = method === 0 ? 4 : 5, escape = method === 0 ? 15 : 31;
  const partitions = 1 << b.read(4);
  if (n % partitions !== 0 || n / partitions < order) b.fail('bad residual partition order');
  let i = order;
  for (let p = 0; p < partitions; p++) {
    const count = n / partitions - (p === 0 ? order : 0);
    const k = b.read(paramBits);
    if (k === escape) {
      const raw = b.read(5);
      for (let j = 0; j < count; j++) out[i++] = b.signed(raw);
    } else {
      for (let j = 0; j < count; j++) {
        const v = b.unary() * 2 ** k + b.read(k);
        out[i++] = v % 2 ? -(v + 1) / 2 : v / 2;
      }
    }
  }
}

/** One subframe of `n` samples at `bps` bits. */
function subframe(b: Bits, n: number, bps: number): Float64Array {
  if (b.read(1) !== 0) b.fail('subframe padding bit is set');
  const type = b.read(6);
  let wasted = 0;
  if (b.read(1)) wasted = b.unary() + 1;
  const w = bps - wasted;
  const s = new Float64Array(n);
  if (type === 0) s.fill(b.signed(w));
  else if (type === 1) for (let i = 0; i < n; i++) s[i] = b.signed(w);
  else if (type >= 8 && type <= 12) {
    const order = type - 8;
    for (let i = 0; i < order; i++) s[i] = b.signed(w);
    residual(b, s, n, order);
    for (let i = order; i < n; i++) {
      const r = s[i];
      s[i] = order === 0 ? r
        : order === 1 ? s[i - 1] + r
          : order === 2 ? 2 * s[i - 1] - s[i - 2] + r
            : order === 3 ? 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3] + r
              : 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4] + r;
    }
  } else if (type >= 32) {
    const order = (type & 31) + 1;
    for (let i = 0; i < order; i++) s[i] = b.signed(w);
    const precision = b.read(4) + 1;
    if (precision === 16) b.fail('invalid LPC coefficient precision');
    const shift = b.signed(5);
    if (shift < 0) b.fail('negative LPC shift');
    const coefs = Array.from({ length: order }, () => b.signed(precision));
    residual(b, s, n, order);
    const div = 2 ** shift;
    for (let i = order; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < order; j++) sum += coefs[j] * s[i - 1 - j];
      s[i] += Math.floor(sum / div);
    }
  } else b.fail(`reserved subframe type ${type}`);
  if (wasted) for (let i = 0; i < n; i++) s[i] *= 2 ** wasted;
  return s;
}

/** Decodes a FLAC file. `fileName` names it in errors. */
export function decodeFlac(bytes: Uint8Array, fileName: string): FlacStream {
  const fail = (why: string): never => {
    throw new EcgInputError(fileName, `corrupt FLAC stream at byte ${b.byte}: ${why}`);
  };
  const b = new Bits(bytes, fail);
  if (bytes.length < 4 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'fLaC') throw new EcgInputError(fileName, 'not a FLAC file (no fLaC marker)');
  b.pos = 32;
  let sampleRate = 0, channels = 0, bitsPerSample = 0, last = false;
  while (!last) {
    last = b.read(1) === 1;
    const type = b.read(7), len = b.read(24);
    if (type === 0) {
      b.read(16); b.read(16); b.read(24); b.read(24);
      sampleRate = b.read(20);
      channels = b.read(3) + 1;
      bitsPerSample = b.read(5) + 1;
      b.pos += 36 + 128;
    } else {
      if (b.byte + len > bytes.length) fail(`metadata block of ${len} bytes runs past the end`);
      b.pos += 8 * len;
    }
  }
  if (!channels) fail('no STREAMINFO block');
  const out: number[][] = Array.from({ length: channels }, () => []);
  while (b.byte + 2 <= bytes.length) {
    const start = b.pos;
    if (b.read(14) !== 0x3ffe) {
      b.pos = start; // report where the frame should have started
      fail('no frame sync code');
    }
    b.read(2);
    const bsCode = b.read(4), srCode = b.read(4), assignment = b.read(4), ssCode = b.read(3);
    b.read(1);
    // The frame or sample number, UTF-8 coded: the count of leading 1 bits gives the extra bytes.
    const first = b.read(8);
    const extra = first < 0x80 ? 0 : Math.clz32(~(first << 24)) - 1;
    for (let i = 0; i < extra; i++) b.read(8);
    let n = BLOCK_SIZES[bsCode];
    if (n === -8) n = b.read(8) + 1;
    else if (n === -16) n = b.read(16) + 1;
    if (n === 0) fail('reserved block size');
    if (srCode === 12) b.read(8);
    else if (srCode === 13 || srCode === 14) b.read(16);
    const bps = ssCode === 0 ? bitsPerSample : SAMPLE_SIZES[ssCode];
    if (!bps) fail(`reserved sample size code ${ssCode}`);
    b.read(8); // CRC-8
    const nch = assignment < 8 ? assignment + 1 : assignment <= 10 ? 2 : fail(`reserved channel assignment ${assignment}`);
    if (nch !== channels) fail(`frame has ${nch} channels, STREAMINFO ${channels}`);
    const sub = Array.from({ length: nch }, (_, c) => subframe(b, n, bps + ((assignment === 8 && c === 1) || (assignment === 9 && c === 0) || (assignment === 10 && c === 1) ? 1 : 0)));
    if (assignment === 8) for (let i = 0; i < n; i++) sub[1][i] = sub[0][i] - sub[1][i];
    else if (assignment === 9) for (let i = 0; i < n; i++) sub[0][i] += sub[1][i];
    else if (assignment === 10) {
      for (let i = 0; i < n; i++) {
        const side = sub[1][i], mid = sub[0][i] * 2 + (side & 1);
        sub[0][i] = Math.floor((mid + side) / 2);
        sub[1][i] = Math.floor((mid - side) / 2);
      }
    }
    for (let c = 0; c < nch; c++) for (let i = 0; i < n; i++) out[c].push(sub[c][i]);
    b.align();
    b.read(16); // CRC-16
  }
  return { channels: out.map((c) => Int32Array.from(c)), bitsPerSample, sampleRate };
}
