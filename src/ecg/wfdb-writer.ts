/**
 * Writes a record as the PhysioNet Challenge files do: `NAME.hea` + `NAME.mat` (MATLAB v4, one real
 * int16 matrix `val`, leads × samples, column-major, so the data start at byte 24 → format `16+24`),
 * 1000 ADC units per mV, with `#Age:`, `#Sex:`, `#Dx:` comments. Read back with readRecord.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksum16 } from './synthetic.js';
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
