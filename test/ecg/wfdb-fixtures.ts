/** Builders for small WFDB files the reader tests write or decode (not a test file itself). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A MATLAB v4 file holding one int16 matrix, `data` given column-major (frames of `rows` values). */
export function matV4(rows: number, cols: number, data: ArrayLike<number>, name = 'val'): Uint8Array {
  const namlen = name.length + 1;
  const out = new Uint8Array(20 + namlen + 2 * rows * cols);
  const view = new DataView(out.buffer);
  [30, rows, cols, 0, namlen].forEach((v, i) => view.setInt32(4 * i, v, true));
  for (let i = 0; i < name.length; i++) out[20 + i] = name.charCodeAt(i);
  for (let i = 0; i < rows * cols; i++) view.setInt16(20 + namlen + 2 * i, data[i] ?? 0, true);
  return out;
}

/** Format 16: little-endian int16. */
export function format16(samples: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(2 * samples.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i], true);
  return out;
}

/** Format 212: pairs of 12-bit samples in 3 bytes; an odd last sample takes 2 bytes. */
export function format212(samples: ArrayLike<number>): Uint8Array {
  const n = samples.length;
  const out = new Uint8Array(Math.floor(n / 2) * 3 + (n % 2 ? 2 : 0));
  for (let k = 0; k < n; k += 2) {
    const a = samples[k] & 0xfff;
    const b = k + 1 < n ? samples[k + 1] & 0xfff : 0;
    const base = (k / 2) * 3;
    out[base] = a & 0xff;
    out[base + 1] = ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0);
    if (k + 1 < n) out[base + 2] = b & 0xff;
  }
  return out;
}

/** The WFDB checksum: 16-bit sum of the samples, as a signed number. */
export function checksum(samples: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s = (s + samples[i]) & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

/** Signal `j` of `nsig` interleaved frames. */
export function column(frames: ArrayLike<number>, nsig: number, j: number): number[] {
  const out: number[] = [];
  for (let k = j; k < frames.length; k += nsig) out.push(frames[k]);
  return out;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'ecgpu-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (name → text or bytes) into `dir`; returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/**
 * A 12-lead `.hea` + `.mat` pair in the Challenge layout, with correct initial values and checksums.
 * `frames` holds nSamples frames of 12 values (column-major val).
 */
export function challengeRecord(name: string, frames: ArrayLike<number>, opts: { leads?: string[]; dx?: string; gain?: string } = {}): Record<string, string | Uint8Array> {
  const leads = opts.leads ?? ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  const nsig = leads.length;
  const n = frames.length / nsig;
  const lines = [`${name} ${nsig} 500 ${n}`];
  leads.forEach((lead, j) => {
    const col = column(frames, nsig, j);
    lines.push(`${name}.mat 16+24 ${opts.gain ?? '1000/mV'} 16 0 ${col[0]} ${checksum(col)} 0 ${lead}`);
  });
  lines.push('#Age: 50', '#Sex: Female', `#Dx: ${opts.dx ?? '426783006'}`);
  return { [`${name}.hea`]: lines.join('\n') + '\n', [`${name}.mat`]: matV4(nsig, n, frames) };
}
