/**
 * Sinus tachycardia and sinus bradycardia are defined by a measured rate (> 100 and < 60 bpm in sinus
 * rhythm), so a model with `measuredRateClasses` scores them from the measurements instead of learning
 * them from labels: labelling conventions differ between hospitals (PTB-XL's cardiologists call most
 * 50-59 bpm sinus records plain "sinus rhythm"; CPSC 2018 has no rate classes at all), and a head that
 * learns them from such labels learns the convention, not the rate.
 *
 *   tachycardia = σ((rate − 100) / 3) · P      bradycardia = σ((60 − rate) / 3) · P
 *   P = σ((P correlation − 0.5) / 0.1)
 *
 * P stands for sinus origin: a P wave that repeats before every QRS (the successive-beat correlation of
 * the P window, the larger of II's and V1's; see measurements.ts), which atrial fibrillation and most
 * ectopic rhythms lack. RR regularity is deliberately not asked for: premature beats on a sinus
 * rhythm and the respiratory sinus arrhythmia of slow rates make sinus rhythm irregular. The 3-bpm and
 * 0.1 widths turn hard definitions into graded scores (rankable for ROC curves); the thresholds that
 * turn scores into findings are fitted on validation like every other class's.
 */
import { FEATURE_NAMES } from './measurements.js';
import { CLASS_NAMES } from './types.js';

const at = (name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`rate-classes: measurement '${name}' is not in FEATURE_NAMES`);
  return i;
};
const I = {
  rhythm: at('rhythm_measured'), rate: at('heart_rate_bpm'),
  pCorrII: at('p_correlation_II'), pCorrV1: at('p_correlation_V1'),
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const TACHYCARDIA_BPM = 100;
export const BRADYCARDIA_BPM = 60;

/** P(sinus tachycardia), P(sinus bradycardia) from a feature vector in FEATURE_NAMES order; 0 without a measured rhythm. */
export function measuredRateScores(features: ArrayLike<number>): { tachycardia: number; bradycardia: number } {
  if (!features[I.rhythm]) return { tachycardia: 0, bradycardia: 0 };
  const rate = features[I.rate];
  const p = sigmoid((Math.max(features[I.pCorrII], features[I.pCorrV1]) - 0.5) / 0.1);
  return {
    tachycardia: sigmoid((rate - TACHYCARDIA_BPM) / 3) * p,
    bradycardia: sigmoid((BRADYCARDIA_BPM - rate) / 3) * p,
  };
}

/** The class indices of the rate classes in `classNames` (−1 when a model has no such class). */
export function rateClassIndices(classNames: readonly string[]): { tachycardia: number; bradycardia: number } {
  return { tachycardia: classNames.indexOf(CLASS_NAMES[1]), bradycardia: classNames.indexOf(CLASS_NAMES[2]) };
}

/** Writes the measured rate scores over the rate classes of `probs` (one record's k probabilities), in place. */
export function applyMeasuredRate(probs: Float64Array, classNames: readonly string[], features: ArrayLike<number>): Float64Array {
  const idx = rateClassIndices(classNames), s = measuredRateScores(features);
  if (idx.tachycardia >= 0) probs[idx.tachycardia] = s.tachycardia;
  if (idx.bradycardia >= 0) probs[idx.bradycardia] = s.bradycardia;
  return probs;
}
