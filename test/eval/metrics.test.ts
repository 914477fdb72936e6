import { describe, expect, it } from 'vitest';
import {
  accuracy, argmax, bootstrapCI, classificationMetrics, classificationReportText, confusionMatrix, crossEntropy,
  multiclassRoc, mulberry32, percentile, rocCurve, softmax, testLine,
} from '../../src/train/eval/metrics.js';
import { formatFixed } from '../../src/train/eval/format.js';
import { mannWhitneyAuc, synthetic } from './helpers.js';

describe('formatting', () => {
  it('rounds like Python format (exact binary value, ties to even)', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12'); // exact tie → even
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.675, 2)).toBe('2.67'); // binary value is below the tie
    expect(formatFixed(0.6666666, 2)).toBe('0.67');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(0.00005, 4)).toBe('0.0001'); // 5e-5 is slightly above the tie in binary
    expect(formatFixed(1, 4)).toBe('1.0000');
  });
});

describe('softmax / argmax / cross-entropy', () => {
  it('matches hand values', () => {
    const p = softmax([0, 0, Math.log(2)], 3);
    expect([...p].map((v) => +v.toFixed(12))).toEqual([0.25, 0.25, 0.5]);
    expect(argmax([1, 3, 3, 5, 2, 1], 3)).toEqual([1, 0]); // first maximum wins
    // −log(0.5) and −log(0.25)
    expect(crossEntropy([0, 0, Math.log(2), 0, 0, Math.log(2)], [2, 0], 3)).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 12);
    expect(softmax([1000, 0], 2)[0]).toBe(1);
    expect(testLine([0, 0, Math.log(2), 0, 0, Math.log(2)], [2, 0], 3)).toBe(`[Test] loss=${((Math.log(2) + Math.log(4)) / 2).toFixed(4)} acc=0.5000`);
  });
});

describe('classification report', () => {
  const yTrue = [0, 1, 2, 2, 2], yPred = [0, 0, 2, 2, 1];
  it('prints exactly what sklearn prints for its documentation example', () => {
    const m = classificationMetrics(yTrue, yPred, 3);
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '     class 0       0.50      1.00      0.67         1',
      '     class 1       0.00      0.00      0.00         1',
      '     class 2       1.00      0.67      0.80         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.50      0.56      0.49         5',
      'weighted avg       0.70      0.60      0.61         5',
      '',
    ].join('\n');
    expect(classificationReportText(m, ['class 0', 'class 1', 'class 2'])).toBe(expected);
  });
  it('supports 4 digits and long class names, zero division → 0', () => {
    // Class 2 never occurs and is never predicted.
    const m = classificationMetrics([0, 0, 1, 1], [0, 1, 1, 1], 3);
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    const names = ['normal sinus rhythm', 'LBBB', 'RBBB'];
    const text = classificationReportText(m, names, 4);
    const lines = text.split('\n');
    const w = 19;
    expect(lines[0]).toBe(' '.repeat(w) + ' ' + ' precision' + '    recall' + '  f1-score' + '   support');
    // precision 1, recall 0.5, f1 2/3 ; class 1: p 2/3, r 1, f1 0.8
    expect(lines[2]).toBe('normal sinus rhythm     1.0000    0.5000    0.6667         2');
    expect(lines[3]).toBe(' '.repeat(w - 4) + 'LBBB     0.6667    1.0000    0.8000         2');
    expect(lines[4]).toBe(' '.repeat(w - 4) + 'RBBB     0.0000    0.0000    0.0000         0');
    expect(lines[6]).toBe(' '.repeat(w - 8) + 'accuracy' + ' '.repeat(21) + '    0.7500         4');
    // macro over all 3 classes: p (1 + 2/3 + 0)/3, r 0.5, f1 (2/3 + 0.8)/3
    expect(lines[7]).toBe(' '.repeat(w - 9) + 'macro avg     0.5556    0.5000    0.4889         4');
    expect(lines[8]).toBe(' '.repeat(w - 12) + 'weighted avg     0.8333    0.7500    0.7333         4');
  });
  it('confusion matrix and accuracy', () => {
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([[1, 0, 0], [1, 0, 0], [0, 1, 2]]);
    expect(accuracy(yTrue, yPred)).toBe(0.6);
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/out of range/);
  });
});

describe('ROC', () => {
  it('reproduces sklearn roc_curve documentation example', () => {
    const r = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(r.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(r.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(r.thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(r.auc).toBe(0.75);
  });
  it('handles ties as a diagonal step and drops collinear points', () => {
    const r = rocCurve([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]);
    expect(r.fpr).toEqual([0, 1]);
    expect(r.tpr).toEqual([0, 1]);
    expect(r.auc).toBe(0.5);
    const full = rocCurve([1, 1, 1, 0], [0.9, 0.8, 0.7, 0.1], false);
    expect(full.tpr).toEqual([0, 1 / 3, 2 / 3, 1, 1]);
    expect(rocCurve([1, 1, 1, 0], [0.9, 0.8, 0.7, 0.1]).tpr).toEqual([0, 1, 1]);
  });
  it('AUC equals the Mann–Whitney statistic (with ties), per class, micro and macro', () => {
    const k = 4, { labels, logits } = synthetic(300, k, 7, 0.8);
    // Round the probabilities to create many ties.
    const probs = Float64Array.from(softmax(logits, k), (v) => Math.round(v * 20) / 20);
    const roc = multiclassRoc(labels, probs, k);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const truth = labels.map((y) => (y === c ? 1 : 0));
      const scores = labels.map((_, i) => probs[i * k + c]);
      const mw = mannWhitneyAuc(truth, scores);
      expect(roc.perClass[c].auc).toBeCloseTo(mw, 12);
      sum += mw;
    }
    expect(roc.macroAuc).toBeCloseTo(sum / k, 12);
    const flatTruth = Array.from({ length: labels.length * k }, (_, j) => (labels[Math.floor(j / k)] === j % k ? 1 : 0));
    expect(roc.micro.auc).toBeCloseTo(mannWhitneyAuc(flatTruth, probs), 12);
    // The interpolated macro curve runs from (0,0) to (1,1) and its AUC is close to the mean AUC.
    expect(roc.macroCurve.fpr[0]).toBe(0);
    expect(roc.macroCurve.tpr[roc.macroCurve.tpr.length - 1]).toBe(1);
    expect(Math.abs(roc.macroCurve.auc - roc.macroAuc)).toBeLessThan(0.02);
  });
  it('macro AUC skips classes without positives', () => {
    const labels = [0, 0, 1, 1];
    const probs = [0.9, 0.1, 0, 0.6, 0.4, 0, 0.3, 0.7, 0, 0.2, 0.8, 0];
    const roc = multiclassRoc(labels, probs, 3);
    expect(Number.isNaN(roc.perClass[2].auc)).toBe(true);
    expect(roc.macroClasses).toEqual([0, 1]);
    expect(roc.macroAuc).toBe(1);
  });
});

describe('bootstrap', () => {
  const k = 5, { labels, logits } = synthetic(250, k, 11, 1.2);
  const probs = softmax(logits, k);
  it('contains the point estimate and is deterministic for a seed', () => {
    const a = bootstrapCI(labels, probs, k, { resamples: 300, seed: 42 });
    const b = bootstrapCI(labels, probs, k, { resamples: 300, seed: 42 });
    const c = bootstrapCI(labels, probs, k, { resamples: 300, seed: 43 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    for (const iv of [a.accuracy, a.macroF1, a.macroAuc, a.microAuc]) {
      expect(iv.lower).toBeLessThanOrEqual(iv.estimate);
      expect(iv.upper).toBeGreaterThanOrEqual(iv.estimate);
      expect(iv.upper - iv.lower).toBeGreaterThan(0);
      expect(iv.upper - iv.lower).toBeLessThan(0.25);
    }
    expect(a.accuracy.estimate).toBe(accuracy(labels, argmax(logits, k)));
    expect(a.macroAuc.estimate).toBeCloseTo(multiclassRoc(labels, probs, k).macroAuc, 12);
    expect(a.resamples).toBe(300);
  });
  it('a single resample equals the metrics of the explicitly resampled set', () => {
    const seed = 5, n = labels.length;
    const r = bootstrapCI(labels, probs, k, { resamples: 1, seed });
    const rnd = mulberry32(seed);
    const idx = Array.from({ length: n }, () => Math.floor(rnd() * n));
    const l2 = idx.map((i) => labels[i]);
    const p2 = new Float64Array(n * k);
    idx.forEach((i, j) => { for (let c = 0; c < k; c++) p2[j * k + c] = probs[i * k + c]; });
    const roc = multiclassRoc(l2, p2, k);
    const m = classificationMetrics(l2, argmax(p2, k), k);
    expect(r.accuracy.lower).toBeCloseTo(m.accuracy, 12);
    expect(r.macroF1.lower).toBeCloseTo(m.macro.f1, 12);
    expect(r.macroAuc.lower).toBeCloseTo(roc.macroAuc, 12);
    expect(r.microAuc.lower).toBeCloseTo(roc.micro.auc, 12);
  });
  it('percentile interpolates like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 0, 5], 2.5)).toBeCloseTo(0.25, 12);
  });
});
