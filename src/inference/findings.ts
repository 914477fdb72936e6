/**
 * The multi-label findings of a model with a findings head: its inputs assembled by name from what was
 * measured (src/ecg/measurements.ts), the image network's logits and the criterion scores
 * (src/ecg/criteria.ts); the head's ensemble probabilities; then, for the classes the head leaves to
 * their criterion, the criterion score. The classifier and the training code (thresholds, evaluation)
 * both go through here, so what is evaluated is what a user gets.
 */
import { criteriaScores, applyCriteria } from '../ecg/criteria.js';
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

/** Per-class probabilities of one record: the head's, with its criteria classes replaced by their criterion scores. */
export function findingsOf(spec: FindingsSpec, weights: ReadonlyMap<string, Float32Array>, features: ArrayLike<number>, logits: ArrayLike<number>, classNames: readonly string[]): Float64Array {
  const p = findingsProbabilities(spec, weights, findingsInputs(spec.inputs, headSources(features, logits, classNames)), classNames.length);
  return spec.criteriaClasses?.length ? applyCriteria(p, classNames, spec.criteriaClasses, features) : p;
}
