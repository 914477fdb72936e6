/**
 * The multi-label findings of a model that has them (FindingsSpec): criterion scores from the
 * measurements (src/ecg/criteria.ts) blended with the learned head's probabilities — its inputs
 * assembled by name from the measurements (src/ecg/measurements.ts), the image network's logits and the
 * criterion scores — or with the image network's own softmax. The classifier and the training code (thresholds, evaluation)
 * both go through here, so what is evaluated is what a user gets.
 */
import { criteriaScores, applyCriteria } from '../ecg/criteria.js';
import { softmax } from './probabilities.js';
import { FEATURE_NAMES } from '../ecg/measurements.js';
import { CLASS_NAMES } from '../ecg/types.js';
import { cnnInputName, criterionInputName, findingsInputs, findingsProbabilities, type FindingsSpec, type NamedValues } from '../models/findings-head.js';

/** Everything a head may take as input, by name, for one record. */
export function headSources(features: ArrayLike<number>, logits: ArrayLike<number>, classNames: readonly string[]): NamedValues[] {
  return [
    { names: FEATURE_NAMES, values: features },
    { names: classNames.map(cnnInputName), values: logits },
    { names: CLASS_NAMES.map(criterionInputName), values: criteriaScores(features) },
  ];
}

/** Every input name a head may use with a model of these classes. */
export function knownHeadInputs(classNames: readonly string[]): string[] {
  return [...FEATURE_NAMES, ...classNames.map(cnnInputName), ...CLASS_NAMES.map(criterionInputName)];
}

/**
 * Per-class probabilities of one record: w · criterion + (1 − w) · q (FindingsSpec), q from the learned
 * head (for the classes it answers) or the image network's softmax at `temperature`; the criteria classes
 * their criterion alone.
 */
export function findingsOf(
  spec: FindingsSpec, weights: ReadonlyMap<string, Float32Array>, features: ArrayLike<number>, logits: ArrayLike<number>,
  classNames: readonly string[], temperature: number,
  /** Further named inputs (evaluation-only heads, e.g. recording-setup statistics). */
  extraSources: readonly NamedValues[] = [],
): Float64Array {
  const k = classNames.length;
  const soft = softmax(Float64Array.from(logits), k, temperature);
  const answered = spec.headClasses && new Set(spec.headClasses);
  const q = spec.head
    ? findingsProbabilities(spec.head, weights, findingsInputs(spec.head.inputs, [...headSources(features, logits, classNames), ...extraSources]), k).map((v, c) => (!answered || answered.has(c) ? v : soft[c]))
    : soft;
  const criterion = applyCriteria(new Float64Array(k).fill(NaN), classNames, classNames.map((_, c) => c), features);
  const w = spec.criteriaWeight, alone = new Set(spec.criteriaClasses ?? []);
  // A class outside the ten has no criterion (NaN): its probability is q alone.
  return Float64Array.from(q, (v, c) => (Number.isNaN(criterion[c]) ? v : alone.has(c) ? criterion[c] : w * criterion[c] + (1 - w) * v));
}
