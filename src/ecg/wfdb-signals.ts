/**
 * WFDB signal file decoding, pure (bytes in, samples out) so a browser can use it without fs.
 *
 * Supported storage: MATLAB v4 `.mat` (the Challenge `16+24` files: one int16 matrix `val`, leads ×
 * samples, column-major, which is exactly format 16 frame interleaving after the MAT header), and
 * `.dat` formats 16 (int16 LE), 61 (int16 BE), 80 (8-bit offset binary) and 212 (two 12-bit samples
 * in three bytes). Several signal files per record are fine: each file interleaves its own signals.
 */
import { EcgInputError, STANDARD_LEADS, type EcgRecord, type RecordHeader, type SignalSpec } from './types.js';

/** WFDB_INVALID_SAMPLE: what the WFDB library returns for a "no data" sample. */
export const INVALID_SAMPLE = -32768;

export interface MatV4Matrix {
  name: string;
  rows: number;
  cols: number;
  bigEndian: boolean;
  /** Byte offset of the first element: 20-byte fixed header + the name (with its NUL). */
  dataOffset: number;
}

/**
 * Reads the MATLAB v4 matrix header: five int32 (type MOPT, mrows, ncols, imagf, namlen) then the name.
 * Only full real int16 matrices (P = 3, T = 0) are accepted: that is what the Challenge files hold.
 */
export function parseMatV4Header(bytes: Uint8Array, fileName: string): MatV4Matrix {
  if (bytes.length < 20) throw new EcgInputError(fileName, `truncated MAT v4 file: ${bytes.length} bytes, the matrix header alone needs 20`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The machine digit M of MOPT is 0 for little-endian, 1 for big-endian; a sane type is < 5000.
  let le = true;
  let type = view.getInt32(0, true);
  if (type < 0 || type >= 5000) {
    le = false;
    type = view.getInt32(0, false);
  }
  if (type < 0 || type >= 5000) throw new EcgInputError(fileName, 'not a MATLAB v4 file (bad matrix type word)');
  const m = Math.floor(type / 1000), o = Math.floor(type / 100) % 10, p = Math.floor(type / 10) % 10, t = type % 10;
  if ((m === 1) === le || o !== 0) throw new EcgInputError(fileName, `not a MATLAB v4 file (type word ${type})`);
  if (p !== 3 || t !== 0) {
    throw new EcgInputError(fileName, `MAT v4 matrix type ${type} is not supported (only a full int16 matrix, type ${m}030)`);
  }
  const rows = view.getInt32(4, le), cols = view.getInt32(8, le), imagf = view.getInt32(12, le), namlen = view.getInt32(16, le);
  if (rows < 0 || cols < 0 || namlen < 1 || namlen > 1024) throw new EcgInputError(fileName, `corrupt MAT v4 header (rows ${rows}, cols ${cols}, name length ${namlen})`);
  if (imagf !== 0) throw new EcgInputError(fileName, 'MAT v4 matrix is complex; expected real int16 samples');
  if (bytes.length < 20 + namlen) throw new EcgInputError(fileName, 'truncated MAT v4 file: the matrix name is cut off');
  let name = '';
  for (let i = 20; i < 20 + namlen && bytes[i] !== 0; i++) name += String.fromCharCode(bytes[i]);
  return { name, rows, cols, bigEndian: !le, dataOffset: 20 + namlen };
}

/** Bytes taken by `n` samples in a storage format. */
function bytesFor(format: number, n: number): number {
  switch (format) {
    case 16: case 61: return 2 * n;
    case 80: return n;
    case 212: return Math.floor(n / 2) * 3 + (n % 2 ? 2 : 0);
    default: throw new Error(`unreachable format ${format}`);
  }
}

/** Samples that fit in `bytes` bytes. */
function samplesIn(format: number, bytes: number): number {
  switch (format) {
    case 16: case 61: return Math.floor(bytes / 2);
    case 80: return bytes;
    case 212: return Math.floor(bytes / 3) * 2 + (bytes % 3 === 2 ? 1 : 0);
    default: throw new Error(`unreachable format ${format}`);
  }
}

/** The value a format stores for "no data" (WFDB maps it to INVALID_SAMPLE). */
function invalidCode(format: number): number {
  return format === 212 ? -2048 : format === 80 ? -128 : INVALID_SAMPLE;
}

/** Decodes `n` samples of a stream starting at `offset`. */
function decodeStream(bytes: Uint8Array, offset: number, format: number, n: number, bigEndian: boolean): Int32Array {
  const out = new Int32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 16 || format === 61) {
    const le = format === 16 && !bigEndian;
    for (let k = 0; k < n; k++) out[k] = view.getInt16(offset + 2 * k, le);
  } else if (format === 80) {
    for (let k = 0; k < n; k++) out[k] = bytes[offset + k] - 128;
  } else {
    // 212: byte0 = low 8 bits of s0; byte1 = high nibble of s1 | high nibble of s0; byte2 = low 8 bits of s1.
    for (let k = 0; k < n; k++) {
      const base = offset + (k >> 1) * 3;
      const v = k & 1 ? bytes[base + 2] | ((bytes[base + 1] & 0xf0) << 4) : bytes[base] | ((bytes[base + 1] & 0x0f) << 8);
      out[k] = v & 0x800 ? v - 0x1000 : v;
    }
  }
  return out;
}

const SUPPORTED_FORMATS = new Set([16, 61, 80, 212]);

function isMat(fileName: string): boolean {
  return /\.mat$/i.test(fileName);
}

/** Groups signal indices by file, in header order. */
function signalsByFile(header: RecordHeader): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    const g = groups.get(s.fileName);
    if (g) g.push(i);
    else groups.set(s.fileName, [i]);
  });
  return groups;
}

/**
 * Decodes every signal of a record to digital (ADC) values, one Int32Array per signal holding
 * nSamples × samplesPerFrame values. `files` maps the file names written in the header to their bytes.
 * Checks sizes against the header, "no data" samples, initial values and checksums; every problem is an
 * EcgInputError naming the file (and the signal). A header with nSamples 0 takes the length from the data.
 */
export function decodeSignals(header: RecordHeader, files: Map<string, Uint8Array>): Int32Array[] {
  const out: Int32Array[] = new Array(header.signals.length);
  let nSamples = header.nSamples;
  for (const [fileName, indices] of signalsByFile(header)) {
    const bytes = files.get(fileName);
    if (!bytes) throw new EcgInputError(fileName, `signal file of record ${header.name} was not provided`);
    const specs = indices.map((i) => header.signals[i]);
    const format = specs[0].format;
    if (!SUPPORTED_FORMATS.has(format)) {
      throw new EcgInputError(fileName, `storage format ${format} is not supported (supported: 16, 61, 80, 212 and MAT v4 int16)`);
    }
    if (specs.some((s) => s.format !== format)) throw new EcgInputError(fileName, 'signals in one file use different storage formats');
    const frameSize = specs.reduce((a, s) => a + s.samplesPerFrame, 0);
    const maxSkew = Math.max(...specs.map((s) => s.skew));

    let offset = specs[0].byteOffset;
    let bigEndian = false;
    let frames: number;
    if (isMat(fileName)) {
      if (format !== 16) throw new EcgInputError(fileName, `a .mat file holds int16 samples, but the header says format ${format}`);
      const mat = parseMatV4Header(bytes, fileName);
      if (mat.dataOffset !== offset) {
        (header.warnings ??= []).push(`${fileName}: header says samples start at byte ${offset}, the MAT header says ${mat.dataOffset}; used ${mat.dataOffset}`);
      }
      offset = mat.dataOffset;
      bigEndian = mat.bigEndian;
      if (mat.rows !== frameSize) {
        throw new EcgInputError(fileName, `header says ${frameSize} leads in this file but matrix '${mat.name}' has ${mat.rows} rows`);
      }
      if (nSamples > 0 && mat.cols !== nSamples) {
        throw new EcgInputError(fileName, `header says ${nSamples} samples but matrix '${mat.name}' has ${mat.cols} columns`);
      }
      frames = mat.cols;
      const need = offset + 2 * mat.rows * mat.cols;
      if (bytes.length < need) throw new EcgInputError(fileName, `truncated: matrix '${mat.name}' (${mat.rows}×${mat.cols} int16) needs ${need} bytes, the file has ${bytes.length}`);
      if (bytes.length > need) throw new EcgInputError(fileName, `oversized: ${bytes.length - need} bytes after matrix '${mat.name}' (${mat.rows}×${mat.cols} int16, ${need} bytes)`);
    } else {
      if (bytes.length < offset) throw new EcgInputError(fileName, `truncated: ${bytes.length} bytes, but samples start at byte ${offset}`);
      const available = samplesIn(format, bytes.length - offset);
      if (nSamples === 0) {
        frames = Math.floor(available / frameSize) - maxSkew;
      } else {
        frames = nSamples;
        const wanted = (nSamples + maxSkew) * frameSize;
        const need = offset + bytesFor(format, wanted);
        if (bytes.length < need) {
          throw new EcgInputError(fileName, `truncated: header says ${nSamples} samples × ${frameSize} signals (${need} bytes in format ${format}), the file has ${bytes.length} bytes (${Math.floor(available / frameSize)} samples)`);
        }
        // One spare byte is tolerated for 212 (odd sample count written as a whole 3-byte pair).
        const slack = format === 212 && wanted % 2 === 1 ? 1 : 0;
        if (bytes.length > need + slack) {
          throw new EcgInputError(fileName, `oversized: header says ${nSamples} samples × ${frameSize} signals (${need} bytes in format ${format}), the file has ${bytes.length} bytes (${Math.floor(available / frameSize)} samples)`);
        }
      }
    }
    if (nSamples === 0) nSamples = frames;
    if (frames !== nSamples) throw new EcgInputError(fileName, `has ${frames} samples but another signal file of the record has ${nSamples}`);

    const stream = decodeStream(bytes, offset, format, (frames + maxSkew) * frameSize, bigEndian);
    // De-interleave: within a frame, signal j's samplesPerFrame values follow signal j-1's.
    let within = 0;
    for (let j = 0; j < indices.length; j++) {
      const spec = specs[j];
      const spf = spec.samplesPerFrame;
      const dst = new Int32Array(frames * spf);
      for (let f = 0; f < frames; f++) {
        const src = (f + spec.skew) * frameSize + within;
        for (let k = 0; k < spf; k++) dst[f * spf + k] = stream[src + k];
      }
      within += spf;
      checkSignal(dst, spec, indices[j], format, fileName);
      out[indices[j]] = dst;
    }
  }
  header.nSamples = nSamples;
  return out;
}

/** "No data" samples, initial value and the 16-bit checksum the header records. */
function checkSignal(d: Int32Array, spec: SignalSpec, index: number, format: number, fileName: string): void {
  const what = `signal ${index} (${spec.description})`;
  const bad = invalidCode(format);
  for (let k = 0; k < d.length; k++) {
    if (d[k] === bad) throw new EcgInputError(fileName, `${what}: sample ${k} is ${bad}, the WFDB "no data" value`);
  }
  if (spec.initialValue !== undefined && d.length > 0 && d[0] !== spec.initialValue) {
    throw new EcgInputError(fileName, `${what}: first sample is ${d[0]} but the header's initial value is ${spec.initialValue}`);
  }
  if (spec.checksum !== undefined) {
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum = (sum + d[k]) & 0xffff;
    if (sum !== (spec.checksum & 0xffff)) {
      const signed = sum >= 0x8000 ? sum - 0x10000 : sum;
      throw new EcgInputError(fileName, `${what}: checksum of the samples is ${signed} but the header says ${spec.checksum}`);
    }
  }
}

/** Physical values (`(digital - baseline) / gain`, in the signal's units, mV for ECG). */
export function toPhysical(digital: Int32Array, spec: SignalSpec): Float32Array {
  const out = new Float32Array(digital.length);
  const { baseline, gain } = spec;
  for (let k = 0; k < digital.length; k++) out[k] = (digital[k] - baseline) / gain;
  return out;
}

/**
 * Builds an EcgRecord from a header and its decoded digital signals. Signals with several samples per
 * frame are reduced to one value per frame (the mean, rounded, as the WFDB library's default
 * low-resolution mode does) so every lead runs at the record's frame rate.
 */
export function buildRecord(header: RecordHeader, digital: Int32Array[], source: string, keepDigital = true): EcgRecord {
  const perFrame = digital.map((d, i) => {
    const spf = header.signals[i].samplesPerFrame;
    if (spf === 1) return d;
    const n = Math.floor(d.length / spf);
    const r = new Int32Array(n);
    for (let f = 0; f < n; f++) {
      let s = 0;
      for (let k = 0; k < spf; k++) s += d[f * spf + k];
      r[f] = Math.round(s / spf);
    }
    return r;
  });
  return {
    header,
    leads: header.signals.map((s) => s.description),
    fs: header.fs,
    signals: perFrame.map((d, i) => toPhysical(d, header.signals[i])),
    digital: keepDigital ? perFrame : undefined,
    source,
  };
}

/** Decodes a record from a header and its signal files' bytes (the browser-friendly entry point). */
export function decodeRecord(header: RecordHeader, files: Map<string, Uint8Array>, source: string, keepDigital = true): EcgRecord {
  return buildRecord(header, decodeSignals(header, files), source, keepDigital);
}

/**
 * For readers that need the standard 12 leads: checks there are exactly 12 signals named I..V6
 * (case-insensitive, any order) and returns the record with its leads in STANDARD_LEADS order.
 */
export function requireTwelveLeads(record: EcgRecord): EcgRecord {
  if (record.leads.length !== 12) {
    throw new EcgInputError(record.source, `expected 12 leads (${STANDARD_LEADS.join(',')}) but the record has ${record.leads.length}: ${record.leads.join(',')}`);
  }
  const where = STANDARD_LEADS.map((name) => record.leads.findIndex((l) => l.trim().toLowerCase() === name.toLowerCase()));
  const missing = STANDARD_LEADS.filter((_, i) => where[i] < 0);
  if (missing.length) {
    throw new EcgInputError(record.source, `missing standard lead(s) ${missing.join(',')}; the record has ${record.leads.join(',')}`);
  }
  if (where.every((w, i) => w === i) && record.leads.every((l, i) => l === STANDARD_LEADS[i])) return record;
  return {
    ...record,
    header: { ...record.header, signals: where.map((w, i) => ({ ...record.header.signals[w], description: STANDARD_LEADS[i] })) },
    leads: [...STANDARD_LEADS],
    signals: where.map((w) => record.signals[w]),
    digital: record.digital ? where.map((w) => record.digital![w]) : undefined,
  };
}
