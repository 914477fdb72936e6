import { describe, expect, it } from 'vitest';
import { applyThresholds, argmax, calibratedDecision, softmax } from '../../src/inference/probabilities.js';

describe('inference/probabilities', () => {
  it('softmax at temperature T is softmax of logits / T', () => {
    const p = softmax([2, 0, -2], 3, 2);
    const e = [Math.exp(1), 1, Math.exp(-1)], s = e[0] + e[1] + e[2];
    e.forEach((v, i) => expect(p[i]).toBeCloseTo(v / s, 12));
  });

  it('argmax keeps the first maximum', () => {
    expect(argmax([1, 3, 3, 0, 0, -1], 3)).toEqual([1, 0]);
  });

  it('thresholds choose argmax_c p_c / t_c', () => {
    expect(applyThresholds([0.5, 0.3, 0.2], [1, 0.5, 1])).toEqual([1]);
  });

  it('a model with thresholds for every class decides by them, one without by the most probable class', () => {
    const logits = [1.0, 0.8, -1];
    const plain = calibratedDecision(logits, 3, { temperature: 1, thresholds: [] });
    expect(plain.thresholded).toBe(false);
    expect(plain.decided).toBe(0);
    expect(plain.order).toEqual([0, 1, 2]);
    const tuned = calibratedDecision(logits, 3, { temperature: 1, thresholds: [1, 0.5, 1] });
    expect(tuned.thresholded).toBe(true);
    expect(tuned.decided).toBe(1);
    expect([...tuned.probabilities]).toEqual([...plain.probabilities]);
  });
});
