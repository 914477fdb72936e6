/**
 * The ten findings scored by textbook criteria on the measurements (src/ecg/measurements.ts), one
 * graded score in [0, 1] per class: what a cardiologist's rule of thumb says, with no parameter fitted
 * to any hospital's labels. Hospitals label by different conventions (PTB-XL's cardiologists call most
 * 50-59 bpm sinus records plain "sinus rhythm"; CPSC 2018 has no rate classes; LUDB calls LVH on other
 * grounds than voltage), so a score learnt from some hospitals' labels carries their conventions to the
 * next hospital; a criterion measures the same thing everywhere.
 *
 *   P (sinus origin)   σ((P correlation − 0.5) / 0.1) · σ((0.4 mV − P amplitude II) / 0.08): a P wave
 *                      that repeats before every QRS, and is no taller than a P wave can be (< 0.25 mV;
 *                      a taller repeating wave there is the previous beat's T wave at a fast rate)
 *   regular            σ((0.16 s − underlying RR range) / 0.04 s): no sinus arrhythmia (P-P varying by
 *                      more than 0.12-0.16 s), premature beats and their pauses left out of the range
 *   sinus rhythm       P · regular · σ((rate − 60) / 3) · σ((100 − rate) / 3)
 *   sinus tachycardia  P · σ((rate − 100) / 3)
 *   sinus bradycardia  P · σ((60 − rate) / 3)
 *   wide QRS           σ((QRS − 90 ms) / 10 ms)       (complete bundle branch block: QRS ≥ 120 ms; see below)
 *   late R in V1       σ((R-peak time V1 − 55 ms) / 8 ms)  (delayed intrinsicoid deflection, > 50 ms in RBBB)
 *   LBBB               wide · σ(−terminal V1 / 0.1 mV)  (terminal QRS negative in V1: no R')
 *   RBBB               (wide or late R in V1) · σ(terminal V1 / 0.1 mV)   (terminal R' in V1)
 *   LVH                σ((max(Sokolow-Lyon / 3.5, Cornell / 2.8) − 1) / 0.15)
 *   RVH                σ((R V1 − 0.7 mV) / 0.2) · σ(−cos(QRS axis) / 0.2)   (tall R in V1, right axis)
 *   ST elevation       σ((ST₂ − 0.1 mV) / 0.05)       ST₂: the 2nd highest ST of every lead but aVR (≥ 1 mm
 *                                                      in two leads)
 *   ST depression      σ((−0.05 mV − ST₂) / 0.03)     ST₂: the 2nd lowest (≥ 0.5 mm in two leads)
 *   ectopy             P · max(σ((0.75 − most premature RR ratio) / 0.05), σ((longest pause ratio − 1.8) / 0.1))
 *                      (a beat at under 75% of the local median RR followed by a longer interval, or a pause
 *                      of about twice the underlying cycle where the premature beat went unseen: the full
 *                      compensatory pause of an ectopic beat the QRS detector missed, or of a non-conducted
 *                      atrial premature beat; on an organised atrial rhythm: in atrial fibrillation the
 *                      irregularity is the AF). One such beat is ectopy, however long the record: a share
 *                      of premature intervals diluted single ectopic beats over long records and counted
 *                      sinus arrhythmia's mildly short cycles.
 *
 * ST changes discordant to the QRS (opposite to its main deflection in that lead) are secondary to the
 * abnormal depolarisation when the QRS is wide (the ST-T of a bundle branch block): such a lead's ST is
 * weighted by (1 − wide) before the two leads are chosen. Two leads, not one: one noisy lead's
 * baseline is no finding.

 * The QRS cut-off is 90 ms of *measured* duration: measurements.ts finds QRS edges where the spatial
 * velocity falls to 10% of its peak, which reads 34 ms shorter on average than the cardiologists'
 * marked wave boundaries of LUDB (docs/measurements.md, scripts/measurements-vs-ludb.ts, which reads
 * the boundaries, never the diagnoses); 120 ms marked is about 90 ms measured.
 *
 * RR regularity is deliberately not part of "sinus": premature beats on a sinus rhythm and the
 * respiratory sinus arrhythmia of slow rates make sinus rhythm irregular. The widths turn hard cut-offs
 * into graded scores (rankable for ROC curves); the thresholds that turn scores into findings are
 * fitted on validation like every other class's.
 */
import { FEATURE_NAMES } from './measurements.js';
import { CLASS_NAMES, STANDARD_LEADS } from './types.js';

const ST_LEADS = STANDARD_LEADS.filter((l) => l !== 'aVR');
const at = (name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`criteria: measurement '${name}' is not in FEATURE_NAMES`);
  return i;
};
const I = {
  rhythm: at('rhythm_measured'), rate: at('heart_rate_bpm'), rrRange: at('underlying_rr_range_s'),
  mostPremature: at('most_premature_rr_ratio'), longestPause: at('longest_pause_rr_ratio'),
  pCorrII: at('p_correlation_II'), pCorrV1: at('p_correlation_V1'), pAmpII: at('p_amp_II_mv'),
  qrsMeasured: at('qrs_measured'), qrs: at('qrs_duration_ms'), terminalV1: at('qrs_terminal_V1_mv'), axisCos: at('qrs_axis_cos'),
  rPeakV1: at('r_peak_time_V1_ms'),
  sokolow: at('sokolow_lyon_mv'), cornell: at('cornell_mv'), rV1: at('r_amp_V1_mv'),
  st: ST_LEADS.map((l) => ({ st: at(`st_${l}_mv`), r: at(`r_amp_${l}_mv`), s: at(`s_amp_${l}_mv`) })),
};
const σ = (z: number) => 1 / (1 + Math.exp(-z));

export const TACHYCARDIA_BPM = 100;
export const BRADYCARDIA_BPM = 60;
/** Measured QRS duration (ms) that corresponds to the clinical 120 ms (see the module comment). */
export const WIDE_QRS_MEASURED_MS = 90;
/** P-P variation (s) above which a sinus rhythm is sinus arrhythmia. */
export const SINUS_ARRHYTHMIA_S = 0.16;
/** RR interval, as a fraction of the local median RR, under which a beat followed by a longer interval is ectopic. */
export const ECTOPIC_RR_RATIO = 0.75;
/** RR interval, as a fraction of the local median RR, over which a pause holds an unseen beat (twice the cycle, with room). */
export const UNSEEN_BEAT_PAUSE_RATIO = 1.8;

/** Each lead's ST deviation (mV), a discordant one weighted by (1 − wide): see the module comment. */
function primaryST(f: ArrayLike<number>, wide: number): number[] {
  return I.st.map(({ st, r, s }) => {
    const v = f[st], main = f[r] - f[s];
    return Math.sign(v) === -Math.sign(main) ? v * (1 - wide) : v;
  });
}

/** The quantities the criteria share, from a feature vector in FEATURE_NAMES order: each group only where
 * its part of the record was measured. */
export interface CriteriaParts {
  rhythm?: {
    /** Sinus origin: a repeating P wave no taller than a P wave can be (the module comment's P), in [0, 1]. */
    sinus: number;
    /** No sinus arrhythmia, in [0, 1]. */
    regular: number;
    /** Measured heart rate (bpm). */
    rate: number;
  };
  qrs?: {
    /** Wide QRS, in [0, 1]. */
    wide: number;
    /** The 2nd highest and 2nd lowest primary ST deviation (mV) of every lead but aVR. */
    stSecondHighest: number;
    stSecondLowest: number;
  };
}

export function criteriaParts(f: ArrayLike<number>): CriteriaParts {
  const parts: CriteriaParts = {};
  if (f[I.rhythm]) {
    parts.rhythm = {
      sinus: σ((Math.max(f[I.pCorrII], f[I.pCorrV1]) - 0.5) / 0.1) * σ((0.4 - f[I.pAmpII]) / 0.08),
      regular: σ((SINUS_ARRHYTHMIA_S - f[I.rrRange]) / 0.04),
      rate: f[I.rate],
    };
  }
  if (f[I.qrsMeasured]) {
    const wide = σ((f[I.qrs] - WIDE_QRS_MEASURED_MS) / 10);
    const st = primaryST(f, wide).sort((a, b) => a - b);
    parts.qrs = { wide, stSecondHighest: st[st.length - 2], stSecondLowest: st[1] };
  }
  return parts;
}

/** The criterion score of each class, in CLASS_NAMES order, from a feature vector in FEATURE_NAMES order. */
export function criteriaScores(f: ArrayLike<number>): Float64Array {
  const out = new Float64Array(CLASS_NAMES.length);
  const { rhythm, qrs } = criteriaParts(f);
  if (rhythm) {
    const { sinus: p, regular, rate } = rhythm;
    out[0] = p * regular * σ((rate - BRADYCARDIA_BPM) / 3) * σ((TACHYCARDIA_BPM - rate) / 3);
    out[1] = p * σ((rate - TACHYCARDIA_BPM) / 3);
    out[2] = p * σ((BRADYCARDIA_BPM - rate) / 3);
    out[9] = p * Math.max(σ((ECTOPIC_RR_RATIO - f[I.mostPremature]) / 0.05), σ((f[I.longestPause] - UNSEEN_BEAT_PAUSE_RATIO) / 0.1));
  }
  if (qrs) {
    const { wide, stSecondHighest, stSecondLowest } = qrs;
    out[3] = wide * σ(-f[I.terminalV1] / 0.1);
    const lateR = σ((f[I.rPeakV1] - 55) / 8);
    out[4] = (1 - (1 - wide) * (1 - lateR)) * σ(f[I.terminalV1] / 0.1);
    out[5] = σ((Math.max(f[I.sokolow] / 3.5, f[I.cornell] / 2.8) - 1) / 0.15);
    out[6] = σ((f[I.rV1] - 0.7) / 0.2) * σ(-f[I.axisCos] / 0.2);
    out[7] = σ((stSecondHighest - 0.1) / 0.05);
    out[8] = σ((-0.05 - stSecondLowest) / 0.03);
  }
  return out;
}

/** Classes read from voltages (mV), which a record with per-lead normalised amplitudes cannot show. */
export const VOLTAGE_CLASSES: readonly string[] = ['LVH', 'RVH', 'ST elevation', 'ST depression'];

/** Index in CLASS_NAMES of every class a model names (−1 for a class name outside the ten). */
const standardIndex = (classNames: readonly string[]) => classNames.map((n) => (CLASS_NAMES as readonly string[]).indexOf(n));

/** Writes the criterion scores of `classes` (indices into `classNames`) over `probs` (one record's), in place. */
export function applyCriteria(probs: Float64Array, classNames: readonly string[], classes: readonly number[], features: ArrayLike<number>): Float64Array {
  const scores = criteriaScores(features), idx = standardIndex(classNames);
  for (const c of classes) if (idx[c] >= 0) probs[c] = scores[idx[c]];
  return probs;
}
