/** Simple ECG measurements used by the tests to check the synthetic class signatures. */
import type { EcgRecord } from '../../src/ecg/types.js';

export const lead = (r: EcgRecord, name: string) => r.signals[r.leads.indexOf(name)];

/** Sum over leads of |dx/dt| (mV/s) of the signals smoothed over `smoothS` seconds. */
export function activity(r: EcgRecord, smoothS = 0.016): Float32Array {
  const n = r.signals[0].length, a = new Float32Array(n), w = Math.max(0, Math.round((smoothS * r.fs) / 2));
  for (const s of r.signals) {
    const m = new Float32Array(n);
    let acc = 0;
    for (let i = 0; i < n + w; i++) {
      if (i < n) acc += s[i];
      if (i - 2 * w - 1 >= 0) acc -= s[i - 2 * w - 1];
      const c = i - w;
      if (c >= 0 && c < n) m[c] = acc / (2 * w + 1);
    }
    for (let i = 1; i < n; i++) a[i] += Math.abs(m[i] - m[i - 1]) * r.fs;
  }
  return a;
}

/** R peaks: maxima of the activity above 30 % of its 98th percentile, 250 ms apart at least. */
export function rPeaks(r: EcgRecord): number[] {
  const a = activity(r), sorted = Float32Array.from(a).sort(), thr = 0.3 * sorted[Math.floor(0.98 * a.length)];
  const gap = Math.round(0.25 * r.fs), peaks: number[] = [];
  for (let i = 1; i < a.length - 1; i++) {
    if (a[i] < thr || a[i] < a[i - 1] || a[i] < a[i + 1]) continue;
    let best = true;
    for (let j = Math.max(0, i - gap); j <= Math.min(a.length - 1, i + gap); j++) if (a[j] > a[i]) { best = false; break; }
    if (best && (peaks.length === 0 || i - peaks[peaks.length - 1] >= gap)) peaks.push(i);
  }
  return peaks;
}

/** QRS complexes [onset, peak, offset] on a noise-free record: activity above 4 % of the beat's peak. */
export function qrsComplexes(r: EcgRecord): [number, number, number][] {
  const a = activity(r, 0), out: [number, number, number][] = [], gapMax = Math.round(0.012 * r.fs);
  for (const p of rPeaks(r)) {
    let pk = p;
    for (let j = Math.max(0, p - 20); j < Math.min(a.length, p + 20); j++) if (a[j] > a[pk]) pk = j;
    const thr = 0.04 * a[pk];
    const edge = (dir: number) => {
      let i = pk, last = pk;
      while (i > 0 && i < a.length - 1 && Math.abs(i - last) <= gapMax) { i += dir; if (a[i] >= thr) last = i; }
      return last;
    };
    const on = edge(-1), off = edge(1);
    if (on > 0.3 * r.fs && off < a.length - 0.3 * r.fs) out.push([on, pk, off]);
  }
  return out;
}

export function heartRate(r: EcgRecord): number {
  const q = rPeaks(r);
  const rr = q.slice(1).map((c, i) => (c - q[i]) / r.fs).sort((a, b) => a - b);
  return 60 / rr[rr.length >> 1];
}

/** Median QRS duration (s). */
export function qrsWidth(r: EcgRecord): number {
  const w = qrsComplexes(r).map(([a, , b]) => (b - a) / r.fs).sort((x, y) => x - y);
  return w[w.length >> 1];
}

/** ST level (mV) at J + 20 ms against the PR segment (onset − 15 ms), median over beats, per lead. */
export function stLevels(r: EcgRecord): Record<string, number> {
  const q = qrsComplexes(r), out: Record<string, number> = {};
  r.leads.forEach((l, k) => {
    const s = r.signals[k];
    const v = q.map(([on, , off]) => s[off + Math.round(0.02 * r.fs)] - s[on - Math.round(0.015 * r.fs)]).sort((a, b) => a - b);
    out[l] = v[v.length >> 1];
  });
  return out;
}

/** Sokolow-Lyon index SV1 + RV5 (mV), medians over beats. */
export function sokolowLyon(r: EcgRecord): number {
  const q = qrsComplexes(r), v1 = lead(r, 'V1'), v5 = lead(r, 'V5');
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const s = med(q.map(([a, , b]) => -Math.min(...v1.slice(a, b)))), rr = med(q.map(([a, , b]) => Math.max(...v5.slice(a, b))));
  return s + rr;
}
