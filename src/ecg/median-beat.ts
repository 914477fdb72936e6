/**
 * The median beat (browser-safe): every lead's beats cut out around their QRS fiducial, aligned, and
 * reduced sample by sample to their median. Noise that is not locked to the beat (EMG, powerline,
 * fibrillatory waves) and the odd ectopic beat fall away; what repeats from beat to beat stays, so
 * amplitudes and intervals are measured once, on a clean beat.
 */

/** Leads as used here: one array per lead at a common rate, undefined where a lead is missing or unusable. */
export type LeadSet = readonly (Float32Array | undefined)[];

/** Pearson correlation of two equal-length stretches, 0 when either is constant. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let sa = 0, sb = 0;
  for (let i = 0; i < n; i++) { sa += a[i]; sb += b[i]; }
  const ma = sa / n, mb = sb / n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    ab += da * db; aa += da * da; bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The stretch [at + from, at + to) of every present lead, one after another (the multi-lead beat). */
function concatWindow(x: LeadSet, at: number, from: number, to: number, into?: Float64Array): Float64Array {
  const w = to - from;
  let count = 0;
  for (const s of x) if (s) count++;
  const out = into && into.length === count * w ? into : new Float64Array(count * w);
  let l = 0;
  for (const s of x) {
    if (!s) continue;
    for (let k = 0; k < w; k++) {
      const i = at + from + k;
      out[l * w + k] = i >= 0 && i < s.length ? s[i] : 0;
    }
    l++;
  }
  return out;
}

/**
 * Sample-by-sample median of the beats at `positions` over [p + from, p + to) (default: the whole
 * window [p − pre, p + post)), per lead. Index `pre` of the result is the fiducial either way; samples
 * outside [from, to) are left 0.
 */
export function medianBeat(x: LeadSet, positions: readonly number[], pre: number, post: number, from = -pre, to = post): (Float32Array | undefined)[] {
  const m = positions.length, buf = new Float64Array(m);
  return x.map((s) => {
    if (!s || m === 0) return undefined;
    const out = new Float32Array(pre + post);
    for (let k = from; k < to; k++) {
      for (let b = 0; b < m; b++) {
        // Insertion sort: a handful to a few dozen beats.
        const v = s[positions[b] + k];
        let j = b;
        while (j > 0 && buf[j - 1] > v) { buf[j] = buf[j - 1]; j--; }
        buf[j] = v;
      }
      out[pre + k] = m & 1 ? buf[m >> 1] : (buf[(m >> 1) - 1] + buf[m >> 1]) / 2;
    }
    return out;
  });
}

/**
 * Each beat moved by up to ±`maxShift` samples to where its stretch [from, to) around the fiducial
 * best matches (largest sum of products over the leads) the template's: the detector's fiducial is a
 * centre of energy that jitters by a few milliseconds, which would smear the median beat's QRS.
 */
export function alignBeats(x: LeadSet, positions: readonly number[], template: readonly (Float32Array | undefined)[], pre: number, from: number, to: number, maxShift: number): number[] {
  const pairs: [Float32Array, Float32Array][] = [];
  x.forEach((s, l) => { const t = template[l]; if (s && t) pairs.push([s, t]); });
  return positions.map((p) => {
    let best = p, bestScore = -Infinity;
    for (let d = -maxShift; d <= maxShift; d++) {
      const k0 = Math.max(from, -(p + d)), k1 = Math.min(to, pairs.length ? pairs[0][0].length - (p + d) : 0);
      let score = 0;
      for (const [s, t] of pairs) {
        for (let k = k0; k < k1; k++) score += s[p + d + k] * t[pre + k];
      }
      if (score > bestScore) { bestScore = score; best = p + d; }
    }
    return best;
  });
}

/** Correlation of each beat's multi-lead stretch [from, to) around its position with the template's. */
export function beatCorrelations(x: LeadSet, positions: readonly number[], template: readonly (Float32Array | undefined)[], pre: number, from: number, to: number): number[] {
  const ref = concatWindow(template.map((t, l) => (x[l] ? t : undefined)), pre, from, to);
  const buf = new Float64Array(ref.length);
  return positions.map((p) => correlation(concatWindow(x, p, from, to, buf), ref, ref.length));
}

/**
 * Mean correlation of one lead's stretch [from, to) around each beat with the same stretch around the
 * next beat (0 with fewer than two beats). Beat against beat, not against the median beat: a median of
 * few beats contains each of them, so noise would correlate with it by construction.
 */
export function successiveWindowCorrelation(s: Float32Array, positions: readonly number[], from: number, to: number): number {
  const n = to - from;
  if (n < 3 || positions.length < 2) return 0;
  const cut = (p: number) => {
    const seg = new Float64Array(n);
    for (let k = 0; k < n; k++) { const i = p + from + k; seg[k] = i >= 0 && i < s.length ? s[i] : 0; }
    return seg;
  };
  let sum = 0, prev = cut(positions[0]);
  for (let b = 1; b < positions.length; b++) {
    const cur = cut(positions[b]);
    sum += correlation(prev, cur, n);
    prev = cur;
  }
  return sum / (positions.length - 1);
}
