/**
 * WFDB signal file decoding, pure (bytes in, samples out) so a browser can use it without fs.
 *
 * Supported storage: MATLAB v4 `.mat` (the Challenge `16+24` files: one int16 matrix `val`, leads ×
 * samples, column-major, which is exactly format 16 frame interleaving after the MAT header), and
 * `.dat` files in formats 8, 16, 24, 32, 61, 80, 160, 212, 310 and 311 (bit layouts in wfdb-formats)
 * and FLAC 508/516/524 (flac.ts).
 * Several signal files per record are fine: each file interleaves its own signals, frame by frame,
 * signal j's samplesPerFrame values after signal j-1's.
 */
import { EcgInputError, STANDARD_LEADS, type EcgRecord, type RecordHeader, type SignalSpec } from './types.js';
import {
  FLAC_FORMATS, SUPPORTED_FORMATS, bytesFor, decodeStream, invalidCode, isSupportedFormat, paddedBytesFor, samplesIn,
} from './wfdb-formats.js';
import { decodeFlac } from './flac.js';

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

/** The header gives skew in samples; the WFDB library deskews whole frames: round(skew / spf). */
export function skewFrames(spec: SignalSpec): number {
  return Math.floor(spec.skew / spec.samplesPerFrame + 0.5);
}

function checkFormat(format: number, fileName: string): void {
  if (!isSupportedFormat(format) && !FLAC_FORMATS.includes(format)) {
    throw new EcgInputError(fileName, `storage format ${format} is not supported (supported: ${SUPPORTED_FORMATS.join(', ')}, FLAC ${FLAC_FORMATS.join('/')} and MAT v4 int16)`);
  }
}

/**
 * A FLAC signal file (formats 508/516/524): one FLAC channel per signal, all at the same samples per
 * frame (lib/signal.c flac_isopen); returns the samples interleaved frame by frame like a .dat stream.
 */
function flacStream(bytes: Uint8Array, fileName: string, format: number, specs: SignalSpec[]): { stream: Int32Array; frames: number } {
  const flac = decodeFlac(bytes, fileName);
  if (flac.channels.length !== specs.length) throw new EcgInputError(fileName, `FLAC stream has ${flac.channels.length} channels, the header ${specs.length} signals in this file`);
  if (flac.bitsPerSample > format - 500) throw new EcgInputError(fileName, `FLAC stream has ${flac.bitsPerSample}-bit samples, format ${format} allows ${format - 500}`);
  const spf = specs[0].samplesPerFrame;
  if (specs.some((s) => s.samplesPerFrame !== spf)) throw new EcgInputError(fileName, 'signals in one FLAC file must have the same samples per frame');
  const frames = Math.floor(flac.channels[0].length / spf);
  const frameSize = spf * specs.length;
  const stream = new Int32Array(frames * frameSize);
  flac.channels.forEach((ch, c) => {
    for (let f = 0; f < frames; f++) for (let k = 0; k < spf; k++) stream[f * frameSize + c * spf + k] = ch[f * spf + k];
  });
  return { stream, frames };
}

/** One signal file: where its samples start, how many whole frames it holds, its byte order. */
interface FileLayout { offset: number; frames: number; bigEndian: boolean }

/** Checks a `.mat` file's matrix header against the signal lines; returns its layout. */
function matLayout(header: RecordHeader, bytes: Uint8Array, fileName: string, format: number, frameSize: number, offset: number): FileLayout {
  if (format !== 16) throw new EcgInputError(fileName, `a .mat file holds int16 samples, but the header says format ${format}`);
  const mat = parseMatV4Header(bytes, fileName);
  if (mat.dataOffset !== offset) {
    (header.warnings ??= []).push(`${fileName}: header says samples start at byte ${offset}, the MAT header says ${mat.dataOffset}; used ${mat.dataOffset}`);
  }
  if (mat.rows !== frameSize) {
    throw new EcgInputError(fileName, `header says ${frameSize} leads in this file but matrix '${mat.name}' has ${mat.rows} rows`);
  }
  if (header.nSamples > 0 && mat.cols !== header.nSamples) {
    throw new EcgInputError(fileName, `header says ${header.nSamples} samples but matrix '${mat.name}' has ${mat.cols} columns`);
  }
  const need = mat.dataOffset + 2 * mat.rows * mat.cols;
  if (bytes.length < need) throw new EcgInputError(fileName, `truncated: matrix '${mat.name}' (${mat.rows}×${mat.cols} int16) needs ${need} bytes, the file has ${bytes.length}`);
  if (bytes.length > need) throw new EcgInputError(fileName, `oversized: ${bytes.length - need} bytes after matrix '${mat.name}' (${mat.rows}×${mat.cols} int16, ${need} bytes)`);
  return { offset: mat.dataOffset, frames: mat.cols, bigEndian: mat.bigEndian };
}

/**
 * Checks a `.dat` file's size against the header. A file holds nSamples + maxSkew frames (a skewed
 * signal's last samples are stored maxSkew frames later); a file of only nSamples frames is accepted,
 * as rdsamp reads it (the last maxSkew frames are then lost). A partial last group of a packed format
 * is tolerated; anything beyond is "oversized".
 */
function datLayout(nSamples: number, bytes: Uint8Array, fileName: string, format: number, frameSize: number, offset: number, maxSkew: number): FileLayout {
  if (bytes.length < offset) throw new EcgInputError(fileName, `truncated: ${bytes.length} bytes, but samples start at byte ${offset}`);
  const available = Math.floor(samplesIn(format, bytes.length - offset) / frameSize);
  if (nSamples === 0) return { offset, frames: available, bigEndian: false };
  const what = (frames: number) =>
    `header says ${nSamples} samples × ${frameSize} signals (${offset + bytesFor(format, frames * frameSize)} bytes in format ${format}), the file has ${bytes.length} bytes (${available} samples)`;
  if (available < nSamples) throw new EcgInputError(fileName, `truncated: ${what(nSamples)}`);
  const most = nSamples + maxSkew;
  if (bytes.length > offset + paddedBytesFor(format, most * frameSize)) throw new EcgInputError(fileName, `oversized: ${what(most)}`);
  return { offset, frames: Math.min(available, most), bigEndian: false };
}

/** A FLAC file's frame count against the header's (the same rules as datLayout, in frames). */
function flacLayout(nSamples: number, frames: number, fileName: string, maxSkew: number): FileLayout {
  if (nSamples > 0 && frames < nSamples) throw new EcgInputError(fileName, `truncated: header says ${nSamples} samples, the FLAC stream holds ${frames}`);
  if (nSamples > 0 && frames > nSamples + maxSkew) throw new EcgInputError(fileName, `oversized: header says ${nSamples} samples, the FLAC stream holds ${frames}`);
  return { offset: 0, frames: nSamples > 0 ? Math.min(frames, nSamples + maxSkew) : frames, bigEndian: false };
}

/**
 * Decodes every signal of a record to digital (ADC) values, one Int32Array per signal holding
 * nSamples × samplesPerFrame values, deskewed. `files` maps the file names written in the header to
 * their bytes. Checks sizes against the header, "no data" samples, initial values and checksums
 * (over the stored frames, as the WFDB library does); every problem is an EcgInputError naming the
 * file (and the signal). A header with nSamples 0 takes the length from the data.
 *
 * Skew (`212:4`): signal s's sample for frame t is stored in frame t + skew_s; like rdsamp, the record
 * then has (frames stored) − (largest skew) frames.
 */
export function decodeSignals(header: RecordHeader, files: Map<string, Uint8Array>, noData: NoData = 'refuse'): Int32Array[] {
  const out: Int32Array[] = new Array(header.signals.length);
  const maxSkew = Math.max(0, ...header.signals.map(skewFrames));
  const groups: { fileName: string; indices: number[]; layout: FileLayout; frameSize: number; stream?: Int32Array }[] = [];
  for (const [fileName, indices] of signalsByFile(header)) {
    const bytes = files.get(fileName);
    if (!bytes) throw new EcgInputError(fileName, `signal file of record ${header.name} was not provided`);
    const specs = indices.map((i) => header.signals[i]);
    const format = specs[0].format;
    checkFormat(format, fileName);
    if (specs.some((s) => s.format !== format)) throw new EcgInputError(fileName, 'signals in one file use different storage formats');
    const frameSize = specs.reduce((a, s) => a + s.samplesPerFrame, 0);
    const offset = specs[0].byteOffset;
    const flac = FLAC_FORMATS.includes(format) ? flacStream(bytes, fileName, format, specs) : undefined;
    const layout = flac
      ? flacLayout(header.nSamples, flac.frames, fileName, maxSkew)
      : isMat(fileName)
        ? matLayout(header, bytes, fileName, format, frameSize, offset)
        : datLayout(header.nSamples, bytes, fileName, format, frameSize, offset, maxSkew);
    const other = groups.find((g) => g.layout.frames !== layout.frames);
    if (header.nSamples === 0 && other) throw new EcgInputError(fileName, `has ${layout.frames} samples but ${other.fileName} has ${other.layout.frames}`);
    groups.push({ fileName, indices, layout, frameSize, stream: flac?.stream });
  }
  const stored = Math.min(...groups.map((g) => g.layout.frames));
  const frames = Math.max(0, stored - maxSkew);
  if (header.nSamples > 0 && frames < header.nSamples) {
    (header.warnings ??= []).push(`header says ${header.nSamples} samples, but the signal files hold ${stored} frames and the largest skew is ${maxSkew}: read ${frames} samples, as rdsamp does`);
  }

  for (const { fileName, indices, layout, frameSize, stream: decoded } of groups) {
    const format = header.signals[indices[0]].format;
    const stream = decoded ?? decodeStream(files.get(fileName)!, layout.offset, format, layout.frames * frameSize, layout.bigEndian);
    // De-interleave: within a frame, signal j's samplesPerFrame values follow signal j-1's.
    let within = 0;
    for (const i of indices) {
      const spec = header.signals[i];
      const spf = spec.samplesPerFrame;
      const raw = new Int32Array(layout.frames * spf);
      for (let f = 0; f < layout.frames; f++) {
        for (let k = 0; k < spf; k++) raw[f * spf + k] = stream[f * frameSize + within + k];
      }
      within += spf;
      if (format === 8) integrateDifferences(raw, spec.initialValue ?? spec.adcZero);
      checkStored(raw, header.nSamples * spf, spec, i, format, fileName);
      const first = skewFrames(spec) * spf;
      out[i] = raw.slice(first, first + frames * spf);
      markNoData(out[i], spec, i, format, fileName, noData);
    }
  }
  header.nSamples = frames;
  return out;
}

/** Format 8 stores first differences; the running sum starts at the initial value (lib/signal.c). */
function integrateDifferences(d: Int32Array, initial: number): void {
  let v = initial;
  for (let k = 0; k < d.length; k++) d[k] = v += d[k];
}

const signalName = (spec: SignalSpec, index: number) => `signal ${index} (${spec.description})`;

/** The initial value and the 16-bit checksum the header records, over the first `n` stored samples. */
function checkStored(d: Int32Array, n: number, spec: SignalSpec, index: number, format: number, fileName: string): void {
  if (format !== 8 && spec.initialValue !== undefined && d.length > 0 && d[0] !== spec.initialValue) {
    throw new EcgInputError(fileName, `${signalName(spec, index)}: first sample is ${d[0]} but the header's initial value is ${spec.initialValue}`);
  }
  // Like the WFDB library: only a header with a sample count has its checksums verified.
  if (spec.checksum !== undefined && n > 0) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum = (sum + d[k]) & 0xffff;
    if (sum !== (spec.checksum & 0xffff)) {
      const signed = sum >= 0x8000 ? sum - 0x10000 : sum;
      throw new EcgInputError(fileName, `${signalName(spec, index)}: checksum of the samples is ${signed} but the header says ${spec.checksum}`);
    }
  }
}

/**
 * What a "no data" sample (the format's most negative value) does: 'refuse' it (an EcgInputError, for
 * anything that computes on the signal), or 'keep' it as INVALID_SAMPLE, which rdsamp prints as -32768
 * (digital) or '-' (physical): what `ecgpu inspect` does.
 */
export type NoData = 'refuse' | 'keep';

function markNoData(d: Int32Array, spec: SignalSpec, index: number, format: number, fileName: string, noData: NoData): void {
  const bad = invalidCode(format);
  if (bad === undefined) return;
  for (let k = 0; k < d.length; k++) {
    if (d[k] !== bad) continue;
    if (noData === 'refuse') throw new EcgInputError(fileName, `${signalName(spec, index)}: sample ${k} is ${bad}, the WFDB "no data" value`);
    d[k] = INVALID_SAMPLE;
  }
}

/**
 * How many millivolts one of a signal's physical units is: 1 for mV, 1e-3 for µV (`uV`, `µV`, `μV`),
 * 1000 for V, 1e-6 for nV; undefined for anything that is not a voltage (mmHg, %, an empty unit).
 */
export function millivoltsPer(units: string): number | undefined {
  const m = /^([num\u00b5\u03bc]?)[vV]$/.exec(units.trim());
  if (!m) return undefined;
  return { '': 1000, m: 1, u: 1e-3, '\u00b5': 1e-3, '\u03bc': 1e-3, n: 1e-6 }[m[1]];
}

/** Physical values in mV: `(digital - baseline) / gain`, scaled from the signal's units (×1 for unknown
 * units); NaN for a kept "no data" sample. */
export function toPhysical(digital: Int32Array, spec: SignalSpec): Float32Array {
  const out = new Float32Array(digital.length);
  const { baseline } = spec;
  const gain = spec.gain / (millivoltsPer(spec.units) ?? 1);
  for (let k = 0; k < digital.length; k++) out[k] = digital[k] === INVALID_SAMPLE ? NaN : (digital[k] - baseline) / gain;
  return out;
}

/**
 * How signals with several samples per frame (`212x4`) are given one rate:
 * - 'frame': one value per frame, the mean of the frame's samples rounded half up (the WFDB library's
 *   meansamp, what `rdsamp` prints); the record runs at the frame rate (the header's fs).
 * - 'high': the largest samples-per-frame count of the record per frame, signals with fewer repeated
 *   (zero-order hold, what `rdsamp -H` prints); the record runs at fs × that count, so an
 *   oversampled ECG lead keeps all its samples. This is what the model gets.
 */
export type FrameResolution = 'frame' | 'high';

/** WFDB's meansamp: floor((sum + floor(n / 2)) / n), exact in integers. */
function frameMeans(d: Int32Array, spf: number): Int32Array {
  const n = Math.floor(d.length / spf);
  const r = new Int32Array(n);
  const half = Math.floor(spf / 2);
  for (let f = 0; f < n; f++) {
    let s = half;
    let valid = true;
    for (let k = 0; k < spf; k++) {
      const v = d[f * spf + k];
      valid &&= v !== INVALID_SAMPLE;
      s += v;
    }
    r[f] = valid ? Math.floor(s / spf) : INVALID_SAMPLE; // meansamp: one "no data" sample spoils the frame
  }
  return r;
}

/** rdsamp -H: sample g (0 ≤ g < top) of a frame is the signal's sample floor(g·spf / top). */
function holdToRate(d: Int32Array, spf: number, top: number): Int32Array {
  if (spf === top) return d;
  const n = Math.floor(d.length / spf);
  const r = new Int32Array(n * top);
  for (let f = 0; f < n; f++) for (let g = 0; g < top; g++) r[f * top + g] = d[f * spf + Math.floor((g * spf) / top)];
  return r;
}

export interface BuildOptions {
  /** Keep the digital values alongside the physical ones (default true). */
  digital?: boolean;
  /** See FrameResolution (default 'high'). */
  resolution?: FrameResolution;
  /** See NoData (default 'refuse'). */
  noData?: NoData;
}

/**
 * Builds an EcgRecord from a header and its decoded digital signals (samplesPerFrame values per
 * frame each), at one rate for every lead (see FrameResolution). Physical values are in mV; a signal
 * whose units are not a voltage keeps its own units, with a warning in the header.
 */
export function buildRecord(header: RecordHeader, digital: Int32Array[], source: string, options: BuildOptions | boolean = {}): EcgRecord {
  // A boolean is the older keepDigital argument.
  const opts: BuildOptions = typeof options === 'boolean' ? { digital: options } : options;
  const top = Math.max(1, ...header.signals.map((s) => s.samplesPerFrame));
  const high = opts.resolution !== 'frame';
  const perRate = digital.map((d, i) => {
    const spf = header.signals[i].samplesPerFrame;
    return high ? holdToRate(d, spf, top) : spf === 1 ? d : frameMeans(d, spf);
  });
  header.signals.forEach((s, i) => {
    if (millivoltsPer(s.units) === undefined) {
      const note = `signal ${i} (${s.description}) is in '${s.units}', not a voltage: kept in those units`;
      if (!header.warnings?.includes(note)) (header.warnings ??= []).push(note);
    }
  });
  return {
    header,
    leads: header.signals.map((s) => s.description),
    fs: high ? header.fs * top : header.fs,
    signals: perRate.map((d, i) => toPhysical(d, header.signals[i])),
    digital: opts.digital !== false ? perRate : undefined,
    source,
  };
}

/** Decodes a record from a header and its signal files' bytes (the browser-friendly entry point). */
export function decodeRecord(header: RecordHeader, files: Map<string, Uint8Array>, source: string, opts: BuildOptions | boolean = {}): EcgRecord {
  return buildRecord(header, decodeSignals(header, files, typeof opts === 'object' ? opts.noData : undefined), source, opts);
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
  const notVolts = where.find((w) => millivoltsPer(record.header.signals[w]?.units ?? 'mV') === undefined);
  if (notVolts !== undefined) {
    const s = record.header.signals[notVolts];
    throw new EcgInputError(record.source, `lead ${s.description} is in '${s.units}', not a voltage (mV, uV, µV, V or nV); it cannot be scaled to mV`);
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
