/**
 * Writing records. writeRecord writes one as the PhysioNet Challenge files do: `NAME.hea` + `NAME.mat`
 * (MATLAB v4, one real int16 matrix `val`, leads × samples, column-major, so the data start at byte 24
 * → format `16+24`), 1000 ADC units per mV, with `#Age:`, `#Sex:`, `#Dx:` comments. encodeDatRecord
 * builds the bytes of a record in any `.dat` format (samples per frame, skew, byte offsets included)
 * and multiSegmentHeader a multi-segment master header, for round-trip tests. Read back with readRecord.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksum16 } from './synthetic.js';
import { encodeStream } from './wfdb-formats.js';
import type { EcgRecord } from './types.js';

export const WRITER_GAIN = 1000;

/** The MAT v4 bytes of an int16 matrix `val` (rows = leads, cols = samples), little-endian. */
export function encodeMatV4(digital: ArrayLike<number>[], nSamples: number): Uint8Array {
  const rows = digital.length, buf = new ArrayBuffer(24 + 2 * rows * nSamples), dv = new DataView(buf);
  dv.setInt32(0, 30, true); // MOPT: little-endian, int16 (P=3), full matrix
  dv.setInt32(4, rows, true);
  dv.setInt32(8, nSamples, true);
  dv.setInt32(12, 0, true);
  dv.setInt32(16, 4, true);
  new Uint8Array(buf, 20, 4).set([0x76, 0x61, 0x6c, 0]); // "val\0"
  const out = new Int16Array(buf, 24, rows * nSamples);
  for (let c = 0; c < nSamples; c++) for (let r = 0; r < rows; r++) out[c * rows + r] = digital[r][c];
  return new Uint8Array(buf);
}

/** Digital values at WRITER_GAIN (reuses the record's own when it already has that gain). */
function digitize(rec: EcgRecord): Int16Array[] {
  return rec.signals.map((s, l) => {
    const d = rec.digital?.[l], spec = rec.header?.signals?.[l];
    const out = new Int16Array(s.length);
    if (d && spec && spec.gain === WRITER_GAIN && spec.baseline === 0) {
      for (let i = 0; i < s.length; i++) out[i] = Math.max(-32767, Math.min(32767, d[i]));
    } else {
      for (let i = 0; i < s.length; i++) out[i] = Number.isFinite(s[i]) ? Math.max(-32767, Math.min(32767, Math.round(s[i] * WRITER_GAIN))) : -32768;
    }
    return out;
  });
}

/** The `.hea` text for `rec` written as `name`. */
export function headerText(rec: EcgRecord, name: string, digital: Int16Array[]): string {
  const n = digital[0]?.length ?? 0, h = rec.header;
  const lines = [`${name} ${rec.signals.length} ${rec.fs} ${n}`];
  rec.leads.forEach((lead, l) => {
    lines.push(`${name}.mat 16+24 ${WRITER_GAIN}/mV 16 0 ${digital[l][0] ?? 0} ${checksum16(digital[l])} 0 ${lead}`);
  });
  lines.push(`#Age: ${h?.age ?? 'NaN'}`, `#Sex: ${h?.sex ?? 'Unknown'}`, `#Dx: ${(h?.dx ?? []).join(',')}`);
  for (const c of h?.comments ?? []) if (!/^(Age|Sex|Dx):/i.test(c.trim())) lines.push(`#${c}`);
  return lines.join('\n') + '\n';
}

/** Writes `dir/NAME.hea` and `dir/NAME.mat`; returns the header path. */
export function writeRecord(dir: string, rec: EcgRecord, name = rec.header?.name || 'record'): string {
  if (!rec.signals.length) throw new Error(`writeRecord: ${name} has no signals`);
  mkdirSync(dir, { recursive: true });
  const digital = digitize(rec);
  const n = digital[0].length;
  if (digital.some((d) => d.length !== n)) throw new Error(`writeRecord: ${name} has leads of different lengths`);
  writeFileSync(join(dir, `${name}.mat`), encodeMatV4(digital, n));
  const hea = join(dir, `${name}.hea`);
  writeFileSync(hea, headerText(rec, name, digital));
  return hea;
}

/** One signal of a `.dat` record for encodeDatRecord: its digital samples and header fields. */
export interface DatSignal {
  fileName: string;
  format: number;
  description: string;
  /** Digital values, samplesPerFrame per frame. */
  samples: ArrayLike<number>;
  samplesPerFrame?: number;
  /** Skew in samples, as the header writes it (the reader rounds it to frames). */
  skew?: number;
  byteOffset?: number;
  gain?: number;
  baseline?: number;
  units?: string;
  adcResolution?: number;
  adcZero?: number;
}

export interface DatRecord {
  name: string;
  fs: number;
  signals: DatSignal[];
  /** Write the sample count on the record line (default true; without it the length comes from the files). */
  counts?: boolean;
  comments?: string[];
}

/**
 * The `.hea` text and signal files of a record in any .dat format the reader knows, laid out as the
 * WFDB library reads them: frames of each file's signals interleaved, a skewed signal's sample for
 * frame t stored in frame t + skew (the frames before its first sample hold its first value, those
 * after its last hold its last), every file holding nSamples + the largest skew frames.
 */
export function encodeDatRecord(rec: DatRecord): Record<string, string | Uint8Array> {
  const sigs = rec.signals.map((s) => ({ spf: s.samplesPerFrame ?? 1, skewF: Math.floor((s.skew ?? 0) / (s.samplesPerFrame ?? 1) + 0.5), ...s }));
  const n = sigs.length ? sigs[0].samples.length / sigs[0].spf : 0;
  if (sigs.some((s) => s.samples.length !== n * s.spf)) throw new Error(`encodeDatRecord: ${rec.name}: signals of different lengths`);
  const maxSkew = Math.max(0, ...sigs.map((s) => s.skewF));
  // Stored frames per signal: frame f holds sample frame f - skew, clamped to the signal's ends.
  const stored = sigs.map((s) => {
    const out = new Int32Array((n + maxSkew) * s.spf);
    for (let f = 0; f < n + maxSkew; f++) {
      const src = Math.max(0, Math.min(n - 1, f - s.skewF));
      for (let k = 0; k < s.spf; k++) out[f * s.spf + k] = s.samples[src * s.spf + k];
    }
    return out;
  });
  const files: Record<string, string | Uint8Array> = {};
  const lines: string[] = [];
  const counts = rec.counts !== false;
  for (const fileName of new Set(sigs.map((s) => s.fileName))) {
    const members = sigs.map((s, i) => ({ s, d: stored[i] })).filter((m) => m.s.fileName === fileName);
    const frameSize = members.reduce((a, m) => a + m.s.spf, 0);
    const stream = new Int32Array((n + maxSkew) * frameSize);
    let within = 0;
    for (const { s, d } of members) {
      // Format 8 stores each signal's first differences, the first against its initial value.
      const v = s.format === 8 ? d.map((x, k) => x - (k ? d[k - 1] : d[0])) : d;
      for (let f = 0; f < n + maxSkew; f++) for (let k = 0; k < s.spf; k++) stream[f * frameSize + within + k] = v[f * s.spf + k];
      within += s.spf;
    }
    const body = encodeStream(stream, members[0].s.format);
    const offset = members[0].s.byteOffset ?? 0;
    const bytes = new Uint8Array(offset + body.length);
    bytes.set(body, offset);
    files[fileName] = bytes;
  }
  sigs.forEach((s, i) => {
    const fmt = `${s.format}${s.spf > 1 ? `x${s.spf}` : ''}${s.skew ? `:${s.skew}` : ''}${s.byteOffset ? `+${s.byteOffset}` : ''}`;
    const gain = `${s.gain ?? 200}${s.baseline !== undefined ? `(${s.baseline})` : ''}/${s.units ?? 'mV'}`;
    const check = `${stored[i][0] ?? 0} ${checksum16(stored[i].subarray(0, n * s.spf))} 0`;
    lines.push(`${s.fileName} ${fmt} ${gain} ${s.adcResolution ?? 0} ${s.adcZero ?? 0} ${check} ${s.description}`);
  });
  const recordLine = `${rec.name} ${sigs.length} ${rec.fs}${counts ? ` ${n}` : ''}`;
  files[`${rec.name}.hea`] = [recordLine, ...lines, ...(rec.comments ?? []).map((c) => `#${c}`)].join('\n') + '\n';
  return files;
}

/** A multi-segment master header: `name/nseg nsig fs nsamples` and a `segment length` line each. */
export function multiSegmentHeader(name: string, nsig: number, fs: number, segments: { name: string; nSamples: number }[]): string {
  const total = segments.reduce((a, s) => a + s.nSamples, 0);
  return [`${name}/${segments.length} ${nsig} ${fs} ${total}`, ...segments.map((s) => `${s.name} ${s.nSamples}`)].join('\n') + '\n';
}
