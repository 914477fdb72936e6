/**
 * Signal conditioning before rendering: baseline-wander removal, resampling, and cropping/padding to
 * a fixed duration. Browser-safe (no Node APIs).
 */
import { EcgInputError, type EcgRecord } from './types.js';

/** Running median over a centred window of `win` samples (sliding sorted window, O(n·win)). */
function medianFilter(x: Float32Array, win: number): Float32Array {
  const n = x.length, h = win >> 1, out = new Float32Array(n);
  const sorted = new Float64Array(win + 1);
  let len = 0;
  const insert = (v: number) => {
    let i = len++;
    while (i > 0 && sorted[i - 1] > v) { sorted[i] = sorted[i - 1]; i--; }
    sorted[i] = v;
  };
  const remove = (v: number) => {
    let i = 0;
    while (i < len && sorted[i] !== v) i++;
    for (len--; i < len; i++) sorted[i] = sorted[i + 1];
  };
  for (let j = 0; j <= Math.min(n - 1, h); j++) insert(x[j]);
  for (let i = 0; i < n; i++) {
    out[i] = sorted[len >> 1];
    if (i - h >= 0) remove(x[i - h]);
    if (i + h + 1 < n) insert(x[i + h + 1]);
  }
  return out;
}

/**
 * Estimates the baseline with the two-stage median filter of de Chazal et al. (200 ms then 600 ms),
 * computed on a 50 Hz block-averaged copy (the baseline is far below 25 Hz) and interpolated back,
 * and subtracts it. ST levels relative to the PR segment are preserved; slow drift is removed.
 */
export function removeBaselineWander(x: Float32Array, fs: number): Float32Array {
  const block = Math.max(1, Math.round(fs / 50));
  const m = Math.ceil(x.length / block);
  if (m < 3) return Float32Array.from(x);
  const low = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0, c = 0;
    for (let j = i * block; j < Math.min(x.length, (i + 1) * block); j++) { s += x[j]; c++; }
    low[i] = s / c;
  }
  const lfs = fs / block;
  const w1 = (Math.round(0.2 * lfs) | 1), w2 = (Math.round(0.6 * lfs) | 1);
  const base = medianFilter(medianFilter(low, w1), w2);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const p = (i + 0.5) / block - 0.5;
    const k = Math.max(0, Math.min(m - 2, Math.floor(p)));
    const f = Math.max(0, Math.min(1, p - k));
    out[i] = x[i] - (base[k] * (1 - f) + base[k + 1] * f);
  }
  return out;
}

/**
 * Resamples to `fsOut`: linear interpolation when upsampling; when downsampling each output sample
 * is the mean over its source interval (box anti-aliasing) so narrow QRS peaks are not aliased.
 */
export function resample(x: Float32Array, fsIn: number, fsOut: number): Float32Array {
  if (fsIn === fsOut) return Float32Array.from(x);
  const nOut = Math.max(1, Math.round((x.length * fsOut) / fsIn));
  const out = new Float32Array(nOut), r = fsIn / fsOut;
  if (r > 1) {
    for (let i = 0; i < nOut; i++) {
      const a = Math.floor(i * r), b = Math.min(x.length, Math.max(a + 1, Math.floor((i + 1) * r)));
      let s = 0;
      for (let j = a; j < b; j++) s += x[j];
      out[i] = s / (b - a);
    }
  } else {
    for (let i = 0; i < nOut; i++) {
      const p = i * r, k = Math.min(x.length - 1, Math.floor(p)), f = p - k;
      out[i] = k + 1 < x.length ? x[k] * (1 - f) + x[k + 1] * f : x[k];
    }
  }
  return out;
}

/** First `n` samples, zero-padded at the end when the signal is shorter. */
export function fitLength(x: Float32Array, n: number): Float32Array {
  if (x.length === n) return x;
  const out = new Float32Array(n);
  out.set(x.subarray(0, Math.min(n, x.length)));
  return out;
}

/** Sampling rates a record may have to be drawn or classified. */
export const MIN_FS = 50, MAX_FS = 100_000;

export interface PrepareOptions {
  /** Target sampling rate (default: keep the record's). */
  fs?: number;
  /** Duration in seconds: longer records are cropped to the first `seconds`, shorter ones padded. */
  seconds?: number;
  /** Remove baseline wander (default true). */
  removeBaseline?: boolean;
}

/**
 * A copy of `rec` resampled, cropped/padded and baseline-corrected, lead by lead. Only the part
 * that survives cropping is filtered (PTB's ~115 s records cost no more than 10 s ones).
 */
export function prepareRecord(rec: EcgRecord, opts: PrepareOptions = {}): EcgRecord {
  // A rate no ECG has (a header typo such as 1e9) would ask for gigabytes of samples per lead.
  if (!(rec.fs >= MIN_FS && rec.fs <= MAX_FS)) {
    throw new EcgInputError(rec.source, `sampling frequency ${rec.fs} Hz is outside ${MIN_FS}-${MAX_FS} Hz, the range an ECG can be drawn from`);
  }
  const fs = opts.fs ?? rec.fs, seconds = opts.seconds;
  const signals = rec.signals.map((s) => {
    let x = s;
    if (seconds !== undefined) {
      const keep = Math.min(x.length, Math.ceil(seconds * rec.fs) + Math.ceil(rec.fs)); // 1 s margin for the filters
      x = x.subarray(0, keep);
    }
    if (opts.removeBaseline !== false) x = removeBaselineWander(x, rec.fs);
    if (fs !== rec.fs) x = resample(x, rec.fs, fs);
    if (seconds !== undefined) x = fitLength(x, Math.round(seconds * fs));
    return x === s ? Float32Array.from(s) : x;
  });
  return { ...rec, fs, signals, digital: undefined };
}
