/**
 * Multi-label evaluation: each class is its own yes/no question, asked of every record. Per class: ROC
 * AUC (one-vs-rest against the record's full label set), F1 at the class's threshold; macro AUROC over
 * the classes with at least `minPositives` positives (and a negative) in the set, with a percentile
 * bootstrap over records. Also the bounded threshold grid the findings head is calibrated with.
 */
import { mulberry32, percentile, rocCurve, type Interval } from './metrics.js';

/** Truth as an n × k 0/1 matrix from per-record class lists. */
export function truthMatrix(classes: readonly (readonly number[])[], k: number): Uint8Array {
  const t = new Uint8Array(classes.length * k);
  classes.forEach((cs, i) => { for (const c of cs) if (c >= 0 && c < k) t[i * k + c] = 1; });
  return t;
}

const column = (m: ArrayLike<number>, n: number, k: number, c: number) => Float64Array.from({ length: n }, (_, i) => m[i * k + c]);

/** F1 of predicting `score ≥ threshold` (0 when there are no positives and none predicted). */
export function f1At(truth: ArrayLike<number>, score: ArrayLike<number>, threshold: number): number {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const yes = score[i] >= threshold;
    if (yes && truth[i]) tp++; else if (yes) fp++; else if (truth[i]) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** The thresholds tried: 0.05, 0.10, …, 0.95 (a bounded grid: a handful of validation records cannot push a threshold to an extreme). */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100);

/**
 * Per-class threshold maximising F1 on validation over THRESHOLD_GRID (of equal F1, the one nearest
 * 0.5); 0.5 for a class without positives in validation.
 */
export function fitMultiLabelThresholds(truth: ArrayLike<number>, probs: ArrayLike<number>, n: number, k: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    const t = column(truth, n, k, c), s = column(probs, n, k, c);
    if (!t.some((v) => v === 1)) { out.push(0.5); continue; }
    let best = 0.5, bestF1 = -1;
    for (const g of THRESHOLD_GRID) {
      const f = f1At(t, s, g);
      if (f > bestF1 + 1e-12 || (Math.abs(f - bestF1) <= 1e-12 && Math.abs(g - 0.5) < Math.abs(best - 0.5))) { bestF1 = f; best = g; }
    }
    out.push(best);
  }
  return out;
}

export interface ClassResult {
  positives: number;
  /** ROC AUC (NaN without positives or negatives). */
  auroc: number;
  /** Bootstrap interval of the AUROC (NaN bounds where a class has too few positives). */
  ci: Interval;
  /** F1 of `p ≥ threshold`. */
  f1: number;
  threshold: number;
}

export interface MultiLabelReport {
  records: number;
  perClass: ClassResult[];
  /** Mean AUROC over `macroClasses`, with its bootstrap interval. */
  macroAuroc: Interval;
  /** Classes with ≥ minPositives positives and at least one negative. */
  macroClasses: number[];
  minPositives: number;
  resamples: number;
}

/**
 * Per-class and macro AUROC with percentile bootstrap intervals (records resampled with replacement,
 * seeded; a draw where a class has no positive or no negative leaves it out of that draw's mean).
 */
export function multiLabelReport(
  truth: ArrayLike<number>, probs: ArrayLike<number>, n: number, k: number, thresholds: readonly number[],
  opts: { minPositives?: number; resamples?: number; seed?: number; level?: number } = {},
): MultiLabelReport {
  const minPositives = opts.minPositives ?? 4, resamples = opts.resamples ?? 1000, level = opts.level ?? 0.95;
  const cols = Array.from({ length: k }, (_, c) => ({ t: column(truth, n, k, c), s: column(probs, n, k, c) }));
  const positives = cols.map(({ t }) => t.reduce((a, b) => a + b, 0));
  const macroClasses = positives.map((p, c) => (p >= minPositives && p < n ? c : -1)).filter((c) => c >= 0);
  const rand = mulberry32(opts.seed ?? 0);
  const draws: number[][] = Array.from({ length: k }, () => []);
  const macroDraws: number[] = [];
  const idx = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    let sum = 0, cnt = 0;
    for (let c = 0; c < k; c++) {
      const a = rocCurve(Array.from(idx, (i) => cols[c].t[i]), Array.from(idx, (i) => cols[c].s[i]), false).auc;
      draws[c].push(a);
      if (macroClasses.includes(c) && !Number.isNaN(a)) { sum += a; cnt++; }
    }
    macroDraws.push(cnt ? sum / cnt : NaN);
  }
  const lo = ((1 - level) / 2) * 100, hi = ((1 + level) / 2) * 100;
  const perClass = cols.map(({ t, s }, c): ClassResult => {
    const auroc = rocCurve(t, s, false).auc;
    return { positives: positives[c], auroc, ci: { estimate: auroc, lower: percentile(draws[c], lo), upper: percentile(draws[c], hi) }, f1: f1At(t, s, thresholds[c]), threshold: thresholds[c] };
  });
  const macro = macroClasses.length ? macroClasses.reduce((a, c) => a + perClass[c].auroc, 0) / macroClasses.length : NaN;
  return {
    records: n, perClass, macroClasses, minPositives, resamples,
    macroAuroc: { estimate: macro, lower: percentile(macroDraws, lo), upper: percentile(macroDraws, hi) },
  };
}

/** Mean binary cross-entropy of probabilities against 0/1 truth (clamped away from 0 and 1). */
export function meanBce(truth: ArrayLike<number>, probs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, probs[i]));
    s -= truth[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / Math.max(1, truth.length);
}
