import { describe, expect, it } from 'vitest';
import { applyThresholds, fitTemperature, fitThresholds, reliability } from '../../src/train/eval/calibration.js';
import { argmax, classificationMetrics, crossEntropy, mulberry32, softmax } from '../../src/train/eval/metrics.js';
import { gaussian } from './helpers.js';

/** Logits of a perfectly calibrated model (labels drawn from softmax(z)), then multiplied by `factor`. */
function calibratedThenScaled(n: number, k: number, seed: number, factor: number) {
  const g = gaussian(seed), rnd = mulberry32(seed + 1);
  const labels: number[] = [], logits = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => 2 * g());
    const p = softmax(z, k);
    let u = rnd(), y = 0;
    while (y < k - 1 && u >= p[y]) { u -= p[y]; y++; }
    labels.push(y);
    for (let c = 0; c < k; c++) logits[i * k + c] = factor * z[c];
  }
  return { labels, logits };
}

describe('temperature scaling', () => {
  it('recovers T ≈ 3 for logits of a calibrated model multiplied by 3', () => {
    const { labels, logits } = calibratedThenScaled(6000, 10, 3, 3);
    const fit = fitTemperature(logits, labels, 10);
    expect(fit.temperature).toBeGreaterThan(2.7);
    expect(fit.temperature).toBeLessThan(3.3);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    // It is the minimiser: nearby temperatures are no better.
    for (const d of [0.97, 1.03]) expect(crossEntropy(logits, labels, 10, fit.temperature * d)).toBeGreaterThanOrEqual(fit.nllAfter - 1e-12);
  });
  it('finds T ≈ 1 for a calibrated model and T < 1 for an under-confident one', () => {
    const a = calibratedThenScaled(4000, 5, 9, 1);
    expect(fitTemperature(a.logits, a.labels, 5).temperature).toBeCloseTo(1, 0);
    const b = calibratedThenScaled(4000, 5, 9, 0.5);
    const t = fitTemperature(b.logits, b.labels, 5).temperature;
    expect(t).toBeGreaterThan(0.4);
    expect(t).toBeLessThan(0.6);
  });
  it('reduces ECE of an over-confident model', () => {
    const val = calibratedThenScaled(3000, 10, 21, 3), test = calibratedThenScaled(3000, 10, 22, 3);
    const T = fitTemperature(val.logits, val.labels, 10).temperature;
    const before = reliability(softmax(test.logits, 10), test.labels, 10);
    const after = reliability(softmax(test.logits, 10, T), test.labels, 10);
    expect(after.ece).toBeLessThan(before.ece / 2);
    expect(after.bins.length).toBe(15);
  });
});

describe('reliability / ECE', () => {
  it('matches a hand computation', () => {
    // Confidences 0.9 (correct), 0.9 (wrong), 0.6 (correct), 0.55 (correct); two classes; 10 bins.
    const probs = [0.9, 0.1, 0.9, 0.1, 0.4, 0.6, 0.55, 0.45];
    const labels = [0, 1, 1, 0];
    const r = reliability(probs, labels, 2, 10);
    // bin (0.8, 0.9]: conf 0.9, acc 0.5 → |gap| 0.4, weight 2/4; bin (0.5, 0.6]: conf 0.575, acc 1 → 0.425, weight 2/4.
    expect(r.ece).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.425, 12);
    expect(r.bins[8]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(r.bins[8].confidence).toBeCloseTo(0.9, 12);
    expect(r.bins[5].count).toBe(2);
    expect(r.mce).toBeCloseTo(0.425, 12);
    expect(r.accuracy).toBe(0.75);
    expect(r.brier).toBeCloseTo((0.02 + 1.62 + 0.32 + 0.405) / 4, 12);
  });
});

describe('per-class thresholds', () => {
  it('all-ones thresholds are argmax', () => {
    const p = [0.2, 0.5, 0.3, 0.6, 0.1, 0.3];
    expect(applyThresholds(p, [1, 1, 1])).toEqual(argmax(p, 3));
    expect(applyThresholds(p, [1, 0.4, 0.1])).toEqual([2, 2]);
  });
  it('undo a bias towards one class and improve macro F1 on held-out data', () => {
    const k = 4;
    const make = (seed: number) => {
      const g = gaussian(seed), rnd = mulberry32(seed + 7);
      const labels: number[] = [], logits = new Float64Array(1500 * k);
      for (let i = 0; i < 1500; i++) {
        const y = Math.floor(rnd() * k);
        labels.push(y);
        for (let c = 0; c < k; c++) logits[i * k + c] = g() + (c === y ? 1.5 : 0) + (c === 0 ? 1.2 : 0); // biased to class 0
      }
      return { labels, probs: softmax(logits, k) };
    };
    const val = make(1), test = make(2);
    const fit = fitThresholds(val.probs, val.labels, k);
    expect(fit.valMacroF1After).toBeGreaterThan(fit.valMacroF1Before + 0.02);
    expect(fit.thresholds[0]).toBeGreaterThan(Math.max(...fit.thresholds.slice(1)));
    const before = classificationMetrics(test.labels, argmax(test.probs, k), k).macro.f1;
    const after = classificationMetrics(test.labels, applyThresholds(test.probs, fit.thresholds), k).macro.f1;
    expect(after).toBeGreaterThan(before);
    expect(fit.rule).toMatch(/argmax_c p_c \/ t_c/);
  });
  it('stay within 0.5..2 and, where validation cannot tell values apart, at the one nearest 1', () => {
    // Class 1 is always right and never confused: any t_1 gives the same F1, so t_1 must stay 1.
    // Class 0 is under-predicted (a bias towards 2): lowering t_0 helps, but never below 0.5.
    const k = 3, rnd = mulberry32(5);
    const labels: number[] = [], probs: number[] = [];
    for (let i = 0; i < 300; i++) {
      const y = i % 3;
      labels.push(y);
      const p = y === 1 ? [0.05, 0.9, 0.05] : y === 0 ? [0.3 + 0.2 * rnd(), 0.05, 0] : [0.1, 0.05, 0];
      p[2] = 1 - p[0] - p[1];
      probs.push(...p);
    }
    const fit = fitThresholds(probs, labels, k);
    expect(fit.thresholds[1]).toBe(1);
    for (const t of fit.thresholds) { expect(t).toBeGreaterThanOrEqual(0.5 - 1e-12); expect(t).toBeLessThanOrEqual(2 + 1e-12); }
    expect(fit.valMacroF1After).toBeGreaterThan(fit.valMacroF1Before);
    // The decided class is never less than a quarter as probable as the top one.
    const decided = applyThresholds(probs, fit.thresholds);
    for (let i = 0; i < labels.length; i++) {
      const row = probs.slice(3 * i, 3 * i + 3);
      expect(row[decided[i]]).toBeGreaterThanOrEqual(Math.max(...row) / 4 - 1e-12);
    }
  });
});
