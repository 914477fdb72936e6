/**
 * Post-hoc calibration and decision rules fitted on the validation split and applied to test:
 *
 * - Temperature scaling (Guo et al. 2017): one scalar T > 0, probabilities softmax(z / T), T chosen
 *   to minimise the validation negative log-likelihood. NLL is convex in β = 1/T, so the fit is a
 *   safeguarded Newton iteration on β (bisection fallback inside a bracket). Argmax is unchanged.
 * - Expected calibration error with equal-width confidence bins (15 by default; bin b holds
 *   confidences in (b/B, (b+1)/B], the first bin also holds 0) and the reliability-diagram data.
 * - Per-class decision thresholds. Rule: predict argmax_c p_c / t_c (t_c > 0 a per-class
 *   threshold; all t_c = 1 is plain argmax). The t_c are tuned on validation to maximise macro F1
 *   by coordinate ascent over a log-spaced grid (0.5 … 2), a few sweeps over the classes. Of the grid
 *   values that give a class its best validation macro F1, the one nearest 1 (in log scale) is kept,
 *   so a tie keeps t_c = 1 and a plateau does not drift to the grid's edge. Why bounded: a validation
 *   split of 6-7 records per class cannot support more than a mild correction, and an unbounded grid
 *   (0.05 … 20, before) let the decision name a class 8× less probable than the top one. With the
 *   bound, the decided class is at least a quarter as probable as the most probable class.
 *   The thresholds are then applied unchanged to the test probabilities.
 */
import { applyThresholds, argmax, softmax, type Logits } from '../../inference/probabilities.js';
import { classificationMetrics, crossEntropy } from './metrics.js';

export { applyThresholds };

export interface TemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  iterations: number;
}

/** Fits T on `logits` (n × k) and `labels` by minimising the mean NLL of softmax(z / T). */
export function fitTemperature(logits: Logits, labels: readonly number[], numClasses: number, opts: { maxIter?: number; tol?: number } = {}): TemperatureFit {
  const k = numClasses, n = labels.length;
  const maxIter = opts.maxIter ?? 100, tol = opts.tol ?? 1e-10;
  // f(β) = mean(LSE(β z) − β z_y); f'(β) = mean(E_p[z] − z_y); f''(β) = mean(Var_p[z]) ≥ 0.
  const evalAt = (beta: number) => {
    let d1 = 0, d2 = 0;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let m = -Infinity;
      for (let c = 0; c < k; c++) m = Math.max(m, beta * logits[o + c]);
      let s = 0, ez = 0, ez2 = 0;
      for (let c = 0; c < k; c++) {
        const z = logits[o + c], e = Math.exp(beta * z - m);
        s += e; ez += e * z; ez2 += e * z * z;
      }
      const mean = ez / s;
      d1 += mean - logits[o + labels[i]];
      d2 += ez2 / s - mean * mean;
    }
    return { d1: d1 / n, d2: d2 / n };
  };
  const BMIN = 1e-3, BMAX = 1e3;
  let lo = BMIN, hi = BMAX, beta = 1, it = 0;
  // If the gradient at the ends has the same sign, the optimum is at that end.
  if (evalAt(BMIN).d1 >= 0) beta = BMIN;
  else if (evalAt(BMAX).d1 <= 0) beta = BMAX;
  else {
    for (; it < maxIter; it++) {
      const { d1, d2 } = evalAt(beta);
      if (d1 > 0) hi = beta; else lo = beta;
      if (Math.abs(d1) < tol) break;
      let next = d2 > 0 ? beta - d1 / d2 : NaN;
      if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi); // geometric bisection
      if (Math.abs(next - beta) <= 1e-12 * beta) { beta = next; break; }
      beta = next;
    }
  }
  const temperature = 1 / beta;
  return {
    temperature,
    nllBefore: crossEntropy(logits, labels, k),
    nllAfter: crossEntropy(logits, labels, k, temperature),
    iterations: it,
  };
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-1 confidence of the samples in the bin (NaN when empty). */
  confidence: number;
  /** Fraction of them that are correct (NaN when empty). */
  accuracy: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Σ_b (|B_b| / n) · |acc_b − conf_b|. */
  ece: number;
  /** max_b |acc_b − conf_b| over non-empty bins. */
  mce: number;
  /** Mean top-1 confidence and accuracy over all samples. */
  meanConfidence: number;
  accuracy: number;
  /** Multiclass Brier score: mean Σ_c (p_c − 1[y=c])². */
  brier: number;
}

/** Reliability-diagram data and ECE of top-1 confidence for probabilities `probs` (n × k). */
export function reliability(probs: ArrayLike<number>, labels: readonly number[], numClasses: number, numBins = 15): Reliability {
  const n = labels.length, k = numClasses;
  const cnt = new Array<number>(numBins).fill(0), sc = new Array<number>(numBins).fill(0), sa = new Array<number>(numBins).fill(0);
  let totalConf = 0, totalOk = 0, brier = 0;
  for (let i = 0; i < n; i++) {
    let best = 0, bp = probs[i * k];
    for (let c = 0; c < k; c++) {
      const p = probs[i * k + c];
      if (p > bp) { bp = p; best = c; }
      brier += (p - (labels[i] === c ? 1 : 0)) ** 2;
    }
    const b = Math.min(numBins - 1, Math.max(0, Math.ceil(bp * numBins) - 1));
    const ok = best === labels[i] ? 1 : 0;
    cnt[b]++; sc[b] += bp; sa[b] += ok;
    totalConf += bp; totalOk += ok;
  }
  const bins: ReliabilityBin[] = cnt.map((c, b) => ({
    lower: b / numBins, upper: (b + 1) / numBins, count: c,
    confidence: c ? sc[b] / c : NaN, accuracy: c ? sa[b] / c : NaN,
  }));
  let ece = 0, mce = 0;
  for (const b of bins) if (b.count) {
    const gap = Math.abs(b.accuracy - b.confidence);
    ece += (b.count / n) * gap;
    mce = Math.max(mce, gap);
  }
  return { bins, ece, mce, meanConfidence: totalConf / n, accuracy: totalOk / n, brier: brier / n };
}

export interface ThresholdFit {
  /** t_c of the rule argmax_c p_c / t_c. */
  thresholds: number[];
  rule: string;
  valMacroF1Before: number;
  valMacroF1After: number;
  sweeps: number;
}

export const THRESHOLD_RULE = 'predict argmax_c p_c / t_c; t_c tuned on validation by coordinate ascent on macro F1 over a log grid 0.5..2 (of equal F1, the t_c nearest 1), then applied to test';

/** Tunes the per-class thresholds t_c on validation probabilities (see the module comment). */
export function fitThresholds(probs: ArrayLike<number>, labels: readonly number[], numClasses: number, opts: { sweeps?: number; gridSize?: number } = {}): ThresholdFit {
  const k = numClasses, sweeps = opts.sweeps ?? 3, gridSize = opts.gridSize ?? 21;
  // Symmetric in log scale about 1 (an odd size puts 1 itself on the grid), tried nearest 1 first.
  const grid = Array.from({ length: gridSize }, (_, i) => Math.exp(Math.LN2 * (2 * i / (gridSize - 1) - 1)))
    .sort((a, b) => Math.abs(Math.log(a)) - Math.abs(Math.log(b)));
  const t = new Array<number>(k).fill(1);
  const f1 = () => classificationMetrics(labels, applyThresholds(probs, t), k).macro.f1;
  const before = f1();
  let best = before, s = 0;
  for (; s < sweeps; s++) {
    let changed = false;
    for (let c = 0; c < k; c++) {
      const keep = t[c];
      let bestT = keep, bestF1 = best;
      for (const g of grid) {
        t[c] = g;
        const v = f1();
        if (v > bestF1 + 1e-12 || (Math.abs(v - bestF1) <= 1e-12 && Math.abs(Math.log(g)) < Math.abs(Math.log(bestT)) - 1e-12)) { bestF1 = v; bestT = g; }
      }
      t[c] = bestT;
      if (bestT !== keep) changed = true;
      best = bestF1;
    }
    if (!changed) { s++; break; }
  }
  return { thresholds: t, rule: THRESHOLD_RULE, valMacroF1Before: before, valMacroF1After: best, sweeps: s };
}

/** Softmax probabilities at temperature T (convenience re-export for callers). */
export function calibratedProbs(logits: Logits, numClasses: number, temperature: number): Float64Array {
  return softmax(logits, numClasses, temperature);
}

/** Predictions of plain argmax (for symmetry with applyThresholds). */
export function predict(logits: Logits, numClasses: number): number[] {
  return argmax(logits, numClasses);
}
