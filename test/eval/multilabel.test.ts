import { describe, expect, it } from 'vitest';
import { rocCurve } from '../../src/train/eval/metrics.js';
import { f1At, fitMultiLabelThresholds, meanBce, multiLabelReport, THRESHOLD_GRID, truthMatrix } from '../../src/train/eval/multilabel.js';
import { mulberry32 } from '../../src/reference/random.js';

/** n records, k classes: random multi-label truth and scores correlated with it. */
function fixture(n: number, k: number, seed: number) {
  const rand = mulberry32(seed);
  const classes = Array.from({ length: n }, () => Array.from({ length: k }, (_, c) => c).filter((c) => rand() < 0.15 + 0.05 * c));
  const truth = truthMatrix(classes, k);
  const probs = Float64Array.from(truth, (t) => Math.min(1, Math.max(0, 0.35 * t + 0.65 * rand())));
  return { classes, truth, probs };
}

describe('multi-label metrics', () => {
  it('truthMatrix marks every class of every record, and nothing else', () => {
    expect(Array.from(truthMatrix([[0, 2], [], [1]], 3))).toEqual([1, 0, 1, 0, 0, 0, 0, 1, 0]);
  });

  it('F1 at a threshold counts p ≥ t as a yes', () => {
    // truth 1 1 0 0, scores .9 .4 .6 .1, t = .5: tp 1, fp 1, fn 1 → 2/4
    expect(f1At([1, 1, 0, 0], [0.9, 0.4, 0.6, 0.1], 0.5)).toBeCloseTo(0.5, 12);
    expect(f1At([0, 0], [0.9, 0.1], 0.5)).toBe(0);
  });

  it('thresholds: the grid value with the best validation F1 per class (brute force), 0.5 without positives', () => {
    const n = 60, k = 4;
    const { truth, probs } = fixture(n, k, 3);
    for (let i = 0; i < n; i++) truth[i * k + 3] = 0; // class 3: no positives
    const t = fitMultiLabelThresholds(truth, probs, n, k);
    for (let c = 0; c < 3; c++) {
      const col = (m: ArrayLike<number>) => Array.from({ length: n }, (_, i) => m[i * k + c]);
      const best = Math.max(...THRESHOLD_GRID.map((g) => f1At(col(truth), col(probs), g)));
      expect(THRESHOLD_GRID).toContain(t[c]);
      expect(f1At(col(truth), col(probs), t[c])).toBeCloseTo(best, 12);
    }
    expect(t[3]).toBe(0.5);
  });

  it('macro AUROC is the mean of the per-class ROC AUCs over classes with enough positives; intervals bracket the estimate', () => {
    const n = 120, k = 5;
    const { truth, probs } = fixture(n, k, 7);
    for (let i = 3; i < n; i++) truth[i * k + 0] = 0; // class 0: 3 positives at most, below minPositives
    const r = multiLabelReport(truth, probs, n, k, new Array(k).fill(0.5), { resamples: 200, minPositives: 4 });
    const perClass = Array.from({ length: k }, (_, c) => rocCurve(Array.from({ length: n }, (_, i) => truth[i * k + c]), Array.from({ length: n }, (_, i) => probs[i * k + c])).auc);
    expect(r.macroClasses).not.toContain(0);
    const mean = r.macroClasses.reduce((a, c) => a + perClass[c], 0) / r.macroClasses.length;
    expect(r.macroAuroc.estimate).toBeCloseTo(mean, 12);
    for (const c of r.macroClasses) expect(r.perClass[c].auroc).toBeCloseTo(perClass[c], 12);
    expect(r.macroAuroc.lower).toBeLessThanOrEqual(r.macroAuroc.estimate);
    expect(r.macroAuroc.upper).toBeGreaterThanOrEqual(r.macroAuroc.estimate);
    expect(r.macroAuroc.upper - r.macroAuroc.lower).toBeGreaterThan(0);
  });

  it('mean BCE matches its definition', () => {
    expect(meanBce([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
  });
});
