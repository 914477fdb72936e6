/**
 * Before and after, on the same validation records: the model's per-class probabilities (its findings:
 * criterion scores blended with the network, as Classifier.classify answers) scored per class by ROC AUC
 * against the multi-label truth, with the number of positives; a class with fewer than two positives
 * (or no negative) in validation gets no AUROC. The macro AUROC averages the classes that have one.
 * Then the findings' thresholds refitted on validation over the bounded grid (multilabel.ts).
 */
import { findingsOf } from '../../inference/findings.js';
import type { FindingsSpec } from '../../models/findings-head.js';
import { fitMultiLabelThresholds, multiLabelReport, truthMatrix } from '../eval/multilabel.js';
import type { AdaptExample } from './finetune.js';

/** Fewer positives than this in validation: the class's AUROC is not shown (a ranking of one positive says little). */
export const MIN_VALIDATION_POSITIVES = 2;

export interface ClassComparison { cls: number; name: string; positives: number; before: number; after: number }
export interface ValidationComparison {
  records: number;
  perClass: ClassComparison[];
  /** Classes with an AUROC (≥ MIN_VALIDATION_POSITIVES positives and a negative). */
  macroClasses: number[];
  macroBefore: number;
  macroAfter: number;
}

/** Per-class probabilities (n × k) of `examples` given the network's logits, exactly as the classifier computes them. */
export function findingsProbabilities(spec: FindingsSpec, weights: ReadonlyMap<string, Float32Array>, examples: readonly AdaptExample[], logits: Float32Array, classNames: readonly string[], temperature: number): Float64Array {
  const k = classNames.length;
  const out = new Float64Array(examples.length * k);
  examples.forEach((e, i) => out.set(findingsOf(spec, weights, e.features, logits.subarray(i * k, (i + 1) * k), classNames, temperature), i * k));
  return out;
}

export function compareValidation(examples: readonly AdaptExample[], before: Float64Array, after: Float64Array, classNames: readonly string[]): ValidationComparison {
  const n = examples.length, k = classNames.length;
  const truth = truthMatrix(examples.map((e) => e.classes), k);
  const half = new Array(k).fill(0.5);
  const opts = { minPositives: MIN_VALIDATION_POSITIVES, resamples: 0 };
  const [b, a] = [multiLabelReport(truth, before, n, k, half, opts), multiLabelReport(truth, after, n, k, half, opts)];
  const shown = new Set(b.macroClasses);
  return {
    records: n,
    perClass: classNames.map((name, c) => ({ cls: c, name, positives: b.perClass[c].positives, before: shown.has(c) ? b.perClass[c].auroc : NaN, after: shown.has(c) ? a.perClass[c].auroc : NaN })),
    macroClasses: b.macroClasses, macroBefore: b.macroAuroc.estimate, macroAfter: a.macroAuroc.estimate,
  };
}

/**
 * The findings' per-class thresholds refitted on the validation records' probabilities, for the classes
 * with at least MIN_VALIDATION_POSITIVES positives (and a negative) there; every other class keeps its
 * `previous` threshold (a folder without LBBB says nothing about where LBBB's threshold belongs).
 */
export function refitThresholds(examples: readonly AdaptExample[], probs: Float64Array, previous: readonly number[]): number[] {
  const k = previous.length, n = examples.length;
  const truth = truthMatrix(examples.map((e) => e.classes), k);
  const fitted = fitMultiLabelThresholds(truth, probs, n, k);
  return previous.map((t, c) => {
    let positives = 0;
    for (let i = 0; i < n; i++) positives += truth[i * k + c];
    return positives >= MIN_VALIDATION_POSITIVES && positives < n ? fitted[c] : t;
  });
}
