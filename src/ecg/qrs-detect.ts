/**
 * Multi-lead QRS detector (browser-safe), for the rhythm plane of the lead-channels input.
 * After Pan & Tompkins (1985), simplified for 10-second 12-lead records:
 *  1. slope energy per lead: a central difference over ±10 ms (passes the QRS's steep edges, damps
 *     baseline, T and P waves and high-frequency noise), squared, scaled by that lead's 98th
 *     percentile so that no single lead (or a noisy one) dominates, summed over the leads;
 *  2. a moving-window integral over 80 ms (one smooth hump per QRS, whatever its shape);
 *  3. peaks: local maxima taken largest first, none within the 250 ms refractory period of a kept
 *     one; a peak is a QRS when it reaches 30% of the typical QRS hump (the median of the largest
 *     peaks a 30 bpm rhythm would give, and at least a fifth of the largest peak);
 *  4. search-back: an interval longer than 1.6× the median RR is searched again at half that
 *     threshold, as Pan-Tompkins does for a missed beat;
 *  5. complexes within 100 ms of the record's edges are dropped: cut by the edge, their centre is off.
 * Returns the beats' sample indices, in time order (the hump's maximum, which sits at the QRS's
 * centre of energy: consistent from beat to beat, which is what RR intervals need).
 */

const REFRACTORY_S = 0.25;
const DIFF_S = 0.01;
const WINDOW_S = 0.08;
const THRESHOLD = 0.3;
const SEARCHBACK_RR = 1.6;
/** A QRS within 100 ms of the record's start or end is cut by it: its centre cannot be placed. */
const EDGE_S = 0.1;

/** Sample indices of the QRS complexes found in `signals` (equal-length leads at `fs` Hz). */
export function detectQrs(signals: readonly Float32Array[], fs: number): number[] {
  const n = signals.length ? Math.min(...signals.map((s) => s.length)) : 0;
  const energy = slopeEnergy(signals, n, fs);
  const hump = movingSum(energy, Math.max(1, Math.round(WINDOW_S * fs)));
  const refractory = Math.round(REFRACTORY_S * fs);
  const peaks = separatedPeaks(hump, refractory);
  if (peaks.length === 0) return [];
  const typicalCount = Math.max(2, Math.floor((n / fs) * 0.5)); // a 30 bpm rhythm's beats
  const heights = peaks.map((p) => hump[p]).sort((a, b) => b - a);
  // A record with fewer beats than that (a long pause) must not make its noise the typical QRS: the
  // typical hump is at least a fifth of the largest.
  const typical = Math.max(heights[Math.min(heights.length, typicalCount) >> 1], 0.2 * heights[0]);
  if (!(typical > 0)) return [];
  const edge = Math.round(EDGE_S * fs);
  const inside = peaks.filter((p) => p >= edge && p < n - edge);
  const beats = inside.filter((p) => hump[p] >= THRESHOLD * typical).sort((a, b) => a - b);
  return searchBack(beats, inside, hump, (THRESHOLD / 2) * typical, refractory);
}

/** Σ over leads of the squared ±10 ms slope, each lead scaled by its 98th percentile. */
function slopeEnergy(signals: readonly Float32Array[], n: number, fs: number): Float64Array {
  const k = Math.max(1, Math.round(DIFF_S * fs));
  const total = new Float64Array(n);
  const lead = new Float64Array(n);
  for (const s of signals) {
    lead.fill(0);
    for (let i = k; i < n - k; i++) { const d = s[i + k] - s[i - k]; lead[i] = d * d; }
    const scale = percentile(lead, 0.98);
    if (!(scale > 0) || !Number.isFinite(scale)) continue; // a flat or broken lead adds nothing
    for (let i = 0; i < n; i++) total[i] += Math.min(lead[i] / scale, 50); // one artefact spike cannot swamp the rest
  }
  return total;
}

function percentile(x: Float64Array, q: number): number {
  if (!x.length) return 0;
  return kthSmallest(Float64Array.from(x), Math.min(x.length - 1, Math.floor(q * x.length)));
}

/**
 * The k-th smallest value (0-based) — what a sorted copy holds at k — by Hoare's quickselect on `a`
 * (reordered in place): linear time on average, where sorting 5000 samples per lead was most of the
 * detector's ~5-9 ms per record.
 */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Centred moving sum over `w` samples. */
function movingSum(x: Float64Array, w: number): Float64Array {
  const out = new Float64Array(x.length), half = w >> 1;
  let acc = 0;
  for (let i = 0; i < x.length + half; i++) {
    if (i < x.length) acc += x[i];
    if (i - w >= 0) acc -= x[i - w];
    const c = i - half;
    if (c >= 0 && c < x.length) out[c] = acc;
  }
  return out;
}

/** Local maxima, kept largest first, none closer than `gap` samples to a kept one. */
function separatedPeaks(x: Float64Array, gap: number): number[] {
  const maxima: number[] = [];
  for (let i = 1; i < x.length - 1; i++) if (x[i] > 0 && x[i] >= x[i - 1] && x[i] > x[i + 1]) maxima.push(i);
  maxima.sort((a, b) => x[b] - x[a]);
  const kept: number[] = [];
  const taken = new Uint8Array(x.length);
  for (const m of maxima) {
    let free = true;
    for (let j = Math.max(0, m - gap + 1); j < Math.min(x.length, m + gap); j++) if (taken[j]) { free = false; break; }
    if (!free) continue;
    kept.push(m); taken[m] = 1;
  }
  return kept;
}

/** Pan-Tompkins search-back: a too-long interval gets its largest candidate at the lower threshold. */
function searchBack(beats: number[], peaks: number[], x: Float64Array, low: number, gap: number): number[] {
  if (beats.length < 3) return beats;
  const median = medianOf(rrIntervals(beats));
  const out = [beats[0]];
  for (let i = 1; i < beats.length; i++) {
    const a = beats[i - 1], b = beats[i];
    if (b - a > SEARCHBACK_RR * median) {
      let best = -1;
      for (const p of peaks) if (p > a + gap && p < b - gap && x[p] >= low && (best < 0 || x[p] > x[best])) best = p;
      if (best >= 0) out.push(best);
    }
    out.push(b);
  }
  return out;
}

/** The intervals between consecutive beats (same units as `beats`). */
export function rrIntervals(beats: readonly number[]): number[] {
  return beats.slice(1).map((b, i) => b - beats[i]);
}

/** The upper median (the middle element of a sorted copy; of two middles, the larger). */
export function medianOf(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}
