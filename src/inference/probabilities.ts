/**
 * From a network's logits to what a reader is told: probabilities calibrated with the model's
 * temperature, and the decision under its per-class thresholds. Training fits the temperature and the
 * thresholds (train/eval/calibration.ts); the classifier and the evaluation both apply them from here,
 * so the rule a report measures is the rule a user gets. `logits` are row-major `n × numClasses`.
 */
import type { Calibration } from '../models/model-file.js';

export type Logits = Float32Array | Float64Array | readonly number[];

/** Row-wise softmax of `n × k` logits at temperature T (numerically stable). */
export function softmax(logits: Logits, numClasses: number, temperature = 1): Float64Array {
  const n = checkShape(logits, numClasses);
  const out = new Float64Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const o = i * numClasses;
    let m = -Infinity;
    for (let c = 0; c < numClasses; c++) m = Math.max(m, logits[o + c] / temperature);
    let s = 0;
    for (let c = 0; c < numClasses; c++) { const e = Math.exp(logits[o + c] / temperature - m); out[o + c] = e; s += e; }
    for (let c = 0; c < numClasses; c++) out[o + c] /= s;
  }
  return out;
}

/** Row-wise argmax (first maximum wins, like numpy). */
export function argmax(values: Logits, numClasses: number): number[] {
  const n = checkShape(values, numClasses);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0, bv = values[i * numClasses];
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c] > bv) { bv = values[i * numClasses + c]; best = c; }
    out[i] = best;
  }
  return out;
}

/** Predictions under the rule argmax_c p_c / t_c (t_c > 0; all t_c = 1 is plain argmax). */
export function applyThresholds(probs: ArrayLike<number>, thresholds: readonly number[]): number[] {
  const k = thresholds.length, n = probs.length / k;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0, bv = -Infinity;
    for (let c = 0; c < k; c++) { const v = probs[i * k + c] / thresholds[c]; if (v > bv) { bv = v; best = c; } }
    out[i] = best;
  }
  return out;
}

export interface CalibratedDecision {
  /** softmax(logits / temperature). */
  probabilities: Float64Array;
  /** Class indices, most probable first. */
  order: number[];
  /** The class the thresholds choose (the most probable when the model has none for every class). */
  decided: number;
  thresholded: boolean;
}

/** One record's logits through the model's calibration: probabilities, their order, the decision. */
export function calibratedDecision(logits: Logits, numClasses: number, calibration: Calibration): CalibratedDecision {
  const probabilities = softmax(logits, numClasses, calibration.temperature);
  const order = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]);
  const thresholded = calibration.thresholds.length === numClasses;
  const decided = thresholded ? applyThresholds(probabilities, calibration.thresholds)[0] : order[0];
  return { probabilities, order, decided, thresholded };
}

function checkShape(values: Logits, numClasses: number): number {
  if (numClasses <= 0 || values.length % numClasses !== 0) throw new Error(`expected n × ${numClasses} values, got ${values.length}`);
  return values.length / numClasses;
}
