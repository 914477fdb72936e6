/**
 * Classification metrics on plain arrays: the sklearn-style classification report,
 * confusion matrix, one-vs-rest ROC curves with micro/macro averages, and bootstrap confidence
 * intervals. `logits` are always row-major `n × numClasses`.
 */
import { argmax, type Logits } from '../../inference/probabilities.js';
import { formatFixed, pyFormatRight } from './format.js';

// Softmax and argmax belong to inference (the classifier applies them); evaluation re-exports them.
export { argmax, softmax, type Logits } from '../../inference/probabilities.js';

/** Mean cross-entropy −log softmax(z/T)[y] over the rows. */
export function crossEntropy(logits: Logits, labels: readonly number[], numClasses: number, temperature = 1): number {
  const n = checkShape(logits, numClasses);
  if (labels.length !== n) throw new Error(`crossEntropy: ${labels.length} labels for ${n} rows`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * numClasses;
    let m = -Infinity;
    for (let c = 0; c < numClasses; c++) m = Math.max(m, logits[o + c] / temperature);
    let s = 0;
    for (let c = 0; c < numClasses; c++) s += Math.exp(logits[o + c] / temperature - m);
    total += m + Math.log(s) - logits[o + labels[i]] / temperature;
  }
  return n === 0 ? NaN : total / n;
}

export function accuracy(labels: readonly number[], preds: readonly number[]): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === preds[i]) ok++;
  return labels.length === 0 ? NaN : ok / labels.length;
}

/** `cm[true][pred]` counts. */
export function confusionMatrix(labels: readonly number[], preds: readonly number[], numClasses: number): number[][] {
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i], p = preds[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: label ${t} / prediction ${p} out of range 0..${numClasses - 1}`);
    cm[t][p]++;
  }
  return cm;
}

/** Confusion matrix divided by row sums (rows with no samples stay 0). */
export function normalizeRows(cm: readonly (readonly number[])[]): number[][] {
  return cm.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s === 0 ? 0 : v / s));
  });
}

export interface ClassMetrics { precision: number; recall: number; f1: number; support: number }
export interface AverageMetrics { precision: number; recall: number; f1: number; support: number }

export interface ClassificationMetrics {
  perClass: ClassMetrics[];
  accuracy: number;
  macro: AverageMetrics;
  weighted: AverageMetrics;
  /** Number of samples. */
  support: number;
}

const div0 = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Precision/recall/F1 per class from a confusion matrix; zero division gives 0 (sklearn `zero_division=0`). */
export function metricsFromConfusion(cm: readonly (readonly number[])[]): ClassificationMetrics {
  const k = cm.length;
  const perClass: ClassMetrics[] = [];
  let total = 0, correct = 0;
  for (let c = 0; c < k; c++) {
    let rowSum = 0, colSum = 0;
    for (let j = 0; j < k; j++) { rowSum += cm[c][j]; colSum += cm[j][c]; }
    const tp = cm[c][c];
    total += rowSum; correct += tp;
    const precision = div0(tp, colSum), recall = div0(tp, rowSum);
    // sklearn computes F1 as 2·tp / (2·tp + fp + fn), which is 0 when the denominator is 0.
    const f1 = div0(2 * tp, rowSum + colSum);
    perClass.push({ precision, recall, f1, support: rowSum });
  }
  const mean = (f: (m: ClassMetrics) => number) => (k === 0 ? 0 : perClass.reduce((a, m) => a + f(m), 0) / k);
  const wmean = (f: (m: ClassMetrics) => number) => div0(perClass.reduce((a, m) => a + f(m) * m.support, 0), total);
  return {
    perClass,
    accuracy: div0(correct, total),
    macro: { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1), support: total },
    weighted: { precision: wmean((m) => m.precision), recall: wmean((m) => m.recall), f1: wmean((m) => m.f1), support: total },
    support: total,
  };
}

export function classificationMetrics(labels: readonly number[], preds: readonly number[], numClasses: number): ClassificationMetrics {
  return metricsFromConfusion(confusionMatrix(labels, preds, numClasses));
}

/**
 * The text sklearn's `classification_report(y_true, y_pred, labels=range(k), target_names=names,
 * digits=digits, zero_division=0)` prints, byte for byte (multiclass case, where the micro
 * average is printed as the `accuracy` row). Ends with a newline, as sklearn's string does.
 */
export function classificationReportText(m: ClassificationMetrics, classNames: readonly string[], digits = 2): string {
  const heading = 'weighted avg';
  const width = Math.max(...classNames.map((s) => s.length), heading.length, digits);
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  let out = pyFormatRight('', width) + ' ' + headers.map((h) => ' ' + pyFormatRight(h, 9)).join('') + '\n\n';
  const row = (name: string, p: number, r: number, f: number, s: number) =>
    pyFormatRight(name, width) + ' ' + [p, r, f].map((v) => ' ' + pyFormatRight(formatFixed(v, digits), 9)).join('') + ' ' + pyFormatRight(String(s), 9) + '\n';
  m.perClass.forEach((c, i) => { out += row(classNames[i] ?? String(i), c.precision, c.recall, c.f1, c.support); });
  out += '\n';
  out += pyFormatRight('accuracy', width) + ' ' + ' ' + pyFormatRight('', 9) + ' ' + pyFormatRight('', 9) + ' ' + pyFormatRight(formatFixed(m.accuracy, digits), 9) + ' ' + pyFormatRight(String(m.support), 9) + '\n';
  out += row('macro avg', m.macro.precision, m.macro.recall, m.macro.f1, m.macro.support);
  out += row('weighted avg', m.weighted.precision, m.weighted.recall, m.weighted.f1, m.weighted.support);
  return out;
}

/** `[Test] loss=0.1234 acc=0.9876` — mean cross-entropy from the logits and top-1 accuracy. */
export function testLine(logits: Logits, labels: readonly number[], numClasses: number, tag = 'Test'): string {
  const loss = crossEntropy(logits, labels, numClasses);
  const acc = accuracy(labels, argmax(logits, numClasses));
  return `[${tag}] loss=${loss.toFixed(4)} acc=${acc.toFixed(4)}`;
}

// ---------------------------------------------------------------------------------------------
// ROC

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Score thresholds; the first is +Infinity (the (0,0) point), as sklearn ≥ 1.3 writes it. */
  thresholds: number[];
  auc: number;
  positives: number;
  negatives: number;
}

/**
 * ROC curve of binary `truth` (1 = positive) against `scores`, as sklearn's `roc_curve`: one
 * point per distinct score (tied scores move together, giving a diagonal step), an extra (0,0)
 * point at threshold +Infinity, optional removal of collinear intermediate points
 * (`dropIntermediate`, sklearn's default). AUC by the trapezoid rule; NaN when a class has no
 * positives or no negatives.
 */
export function rocCurve(truth: ArrayLike<number>, scores: ArrayLike<number>, dropIntermediate = true): RocCurve {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0, fp = 0;
  const tps: number[] = [0], fps: number[] = [0], thr: number[] = [Infinity];
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (truth[i]) tp++; else fp++;
    if (j === n - 1 || scores[order[j + 1]] !== scores[i]) { tps.push(tp); fps.push(fp); thr.push(scores[i]); }
  }
  let keep = tps.map((_, i) => i);
  if (dropIntermediate && tps.length > 2) {
    keep = [0];
    for (let i = 1; i < tps.length - 1; i++) {
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1], d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(tps.length - 1);
  }
  const P = tp, N = fp;
  const fpr = keep.map((i) => (N === 0 ? NaN : fps[i] / N));
  const tpr = keep.map((i) => (P === 0 ? NaN : tps[i] / P));
  return { fpr, tpr, thresholds: keep.map((i) => thr[i]), auc: P === 0 || N === 0 ? NaN : trapezoid(fpr, tpr), positives: P, negatives: N };
}

/** ∫ y dx by the trapezoid rule over the given points (x must be monotone). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return Math.abs(s);
}

/** Linear interpolation like `numpy.interp` (xp increasing; clamps at the ends). */
export function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  if (x <= xp[0]) return fp[0];
  if (x >= xp[xp.length - 1]) return fp[fp.length - 1];
  let lo = 0, hi = xp.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xp[mid] <= x) lo = mid; else hi = mid; }
  const dx = xp[hi] - xp[lo];
  return dx === 0 ? fp[hi] : fp[lo] + ((x - xp[lo]) / dx) * (fp[hi] - fp[lo]);
}

export interface MulticlassRoc {
  perClass: RocCurve[];
  /** ROC of all n·k (one-hot label, probability) pairs pooled together. */
  micro: RocCurve;
  /** Mean of the per-class AUCs over classes with both positives and negatives in the set. */
  macroAuc: number;
  /** Classes that entered `macroAuc`. */
  macroClasses: number[];
  /** For plotting: mean of the per-class TPRs interpolated on the union of their FPRs, and its AUC. */
  macroCurve: { fpr: number[]; tpr: number[]; auc: number };
}

/** One-vs-rest ROC per class on softmax probabilities `probs` (n × k), plus micro and macro averages. */
export function multiclassRoc(labels: readonly number[], probs: ArrayLike<number>, numClasses: number): MulticlassRoc {
  const n = labels.length;
  const perClass: RocCurve[] = [];
  const truth = new Uint8Array(n), score = new Float64Array(n);
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < n; i++) { truth[i] = labels[i] === c ? 1 : 0; score[i] = probs[i * numClasses + c]; }
    perClass.push(rocCurve(truth, score));
  }
  const flatTruth = new Uint8Array(n * numClasses);
  for (let i = 0; i < n; i++) flatTruth[i * numClasses + labels[i]] = 1;
  const micro = rocCurve(flatTruth, Array.from({ length: n * numClasses }, (_, j) => probs[j]));
  const macroClasses = perClass.map((r, c) => (Number.isFinite(r.auc) ? c : -1)).filter((c) => c >= 0);
  const macroAuc = macroClasses.length === 0 ? NaN : macroClasses.reduce((a, c) => a + perClass[c].auc, 0) / macroClasses.length;
  const allFpr = [...new Set(macroClasses.flatMap((c) => perClass[c].fpr))].sort((a, b) => a - b);
  const meanTpr = allFpr.map((x) => macroClasses.reduce((a, c) => a + interp(x, perClass[c].fpr, perClass[c].tpr), 0) / macroClasses.length);
  return {
    perClass, micro, macroAuc, macroClasses,
    macroCurve: { fpr: allFpr, tpr: meanTpr, auc: allFpr.length > 1 ? trapezoid(allFpr, meanTpr) : NaN },
  };
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

/** Small seeded PRNG (mulberry32), uniform in [0, 1): the project's one implementation. */
export { mulberry32 } from '../../reference/random.js';
import { mulberry32 } from '../../reference/random.js';

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * AUC of binary truth vs scores, each sample counted `w[i]` times, given `order` (indices sorted by
 * descending score). Equal to the trapezoid AUC of the resampled set.
 */
function weightedAuc(order: Int32Array, truth: ArrayLike<number>, scores: ArrayLike<number>, w: ArrayLike<number>, wOf: (i: number) => number): number {
  let tp = 0, fp = 0, prevTp = 0, prevFp = 0, area = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    const wi = w[wOf(i)];
    if (wi !== 0) { if (truth[i]) tp += wi; else fp += wi; }
    if (j === order.length - 1 || scores[order[j + 1]] !== scores[i]) {
      area += ((fp - prevFp) * (tp + prevTp)) / 2;
      prevTp = tp; prevFp = fp;
    }
  }
  return tp === 0 || fp === 0 ? NaN : area / (tp * fp);
}

export interface Interval { estimate: number; lower: number; upper: number }
export interface BootstrapResult {
  resamples: number;
  seed: number;
  level: number;
  accuracy: Interval;
  macroF1: Interval;
  macroAuc: Interval;
  microAuc: Interval;
}

/**
 * Percentile bootstrap: `resamples` draws of n samples with replacement (seeded), each scored for
 * accuracy, macro F1 (over all k classes, zero division → 0), macro AUC (mean over classes with
 * both positives and negatives in that draw) and micro AUC; the interval is the
 * [(1−level)/2, (1+level)/2] percentiles. `estimate` is the value on the original set.
 */
export function bootstrapCI(
  labels: readonly number[], probs: ArrayLike<number>, numClasses: number,
  opts: { resamples?: number; seed?: number; level?: number } = {},
): BootstrapResult {
  const resamples = opts.resamples ?? 1000, seed = opts.seed ?? 0, level = opts.level ?? 0.95;
  const n = labels.length, k = numClasses;
  const preds = argmax(Array.from({ length: n * k }, (_, j) => probs[j]), k);
  const classOrder: Int32Array[] = [];
  const classTruth: Uint8Array[] = [];
  const classScore: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const t = new Uint8Array(n), s = new Float64Array(n);
    for (let i = 0; i < n; i++) { t[i] = labels[i] === c ? 1 : 0; s[i] = probs[i * k + c]; }
    classOrder.push(Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a])));
    classTruth.push(t); classScore.push(s);
  }
  const flatTruth = new Uint8Array(n * k);
  for (let i = 0; i < n; i++) flatTruth[i * k + labels[i]] = 1;
  const flatScore = Float64Array.from({ length: n * k }, (_, j) => probs[j]);
  const flatOrder = Int32Array.from(Array.from({ length: n * k }, (_, j) => j).sort((a, b) => flatScore[b] - flatScore[a]));
  const ident = (i: number) => i, row = (j: number) => (j / k) | 0;

  const score = (w: ArrayLike<number>) => {
    const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < n; i++) if (w[i]) cm[labels[i]][preds[i]] += w[i];
    const m = metricsFromConfusion(cm);
    let aucSum = 0, aucN = 0;
    for (let c = 0; c < k; c++) {
      const a = weightedAuc(classOrder[c], classTruth[c], classScore[c], w, ident);
      if (!Number.isNaN(a)) { aucSum += a; aucN++; }
    }
    return { acc: m.accuracy, f1: m.macro.f1, macroAuc: aucN ? aucSum / aucN : NaN, microAuc: weightedAuc(flatOrder, flatTruth, flatScore, w, row) };
  };
  const base = score(new Float64Array(n).fill(1));
  const rand = mulberry32(seed);
  const acc: number[] = [], f1: number[] = [], ma: number[] = [], mi: number[] = [];
  const w = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    w.fill(0);
    for (let i = 0; i < n; i++) w[Math.floor(rand() * n)]++;
    const s = score(w);
    acc.push(s.acc); f1.push(s.f1); ma.push(s.macroAuc); mi.push(s.microAuc);
  }
  const lo = ((1 - level) / 2) * 100, hi = ((1 + level) / 2) * 100;
  const iv = (est: number, v: number[]): Interval => ({ estimate: est, lower: percentile(v, lo), upper: percentile(v, hi) });
  return {
    resamples, seed, level,
    accuracy: iv(base.acc, acc), macroF1: iv(base.f1, f1), macroAuc: iv(base.macroAuc, ma), microAuc: iv(base.microAuc, mi),
  };
}

function checkShape(values: Logits, numClasses: number): number {
  if (numClasses <= 0 || values.length % numClasses !== 0) throw new Error(`expected n × ${numClasses} values, got ${values.length}`);
  return values.length / numClasses;
}
