/**
 * Rhythm measured from QRS times (browser-safe): the rate and how irregular the RR intervals are, in
 * terms that mean the same on every recording (beats per minute, ratios of intervals).
 */
import { medianOf, rrIntervals } from './qrs-detect.js';

/** An RR interval shorter than this fraction of the local median RR, followed by a longer one, is premature. */
export const PREMATURE_RATIO = 0.85;
/** The local median RR is taken over this many intervals on each side (and the interval itself). */
const LOCAL_HALF_SPAN = 4;
/** Fewer QRS complexes than this give no rate (two intervals are the least a median needs). */
export const MIN_RATE_BEATS = 3;

export interface RhythmStats {
  /** 60 / median RR. */
  bpm: number;
  /** Normalised RMSSD: √(mean of squared successive RR differences) / median RR. Sensitive to every
   * irregularity: atrial fibrillation and isolated premature beats alike. */
  rrIrregularity: number;
  /** Median |successive RR difference| / median RR: robust to a few premature beats, high in
   * irregularly irregular rhythms (atrial fibrillation). */
  rrSuccessiveMedian: number;
  /** Share of intervals (that have a following one) which are premature: < PREMATURE_RATIO × local
   * median RR and followed by a longer interval (the compensatory or resetting pause). */
  prematureFraction: number;
  /** Shortest RR / longest RR (1 for a perfectly regular rhythm). */
  rrMinMaxRatio: number;
  /** Longest − shortest RR (s) over the intervals that neither end nor start at a premature beat: the
   * P-P variation of the underlying rhythm, which defines sinus arrhythmia (> 0.12-0.16 s), unmoved by
   * an ectopic beat and its pause. 0 with fewer than two such intervals. */
  underlyingRrRangeS: number;
  /** The shortest RR interval that is followed by a longer one, as a fraction of its local median RR
   * (1 when none is): how premature the most premature beat is. One beat at 0.5-0.7 with its pause is
   * an ectopic beat, which a share of premature intervals dilutes over a long record. */
  mostPrematureRatio: number;
  /** The longest RR interval that does not follow a premature one, as a fraction of its local median RR:
   * about 2 where a beat went unseen inside it (an ectopic beat the detector missed leaves its full
   * compensatory pause, twice the underlying cycle; so does a non-conducted atrial premature beat). */
  longestPauseRatio: number;
  /** QRS complexes the rate is measured from. */
  beats: number;
  /** Indices (into the beat list) of the beats that end a premature interval. */
  premature: number[];
}

/** Rhythm statistics of beats at sample indices `beats` (time order) sampled at `fs` Hz; undefined
 * with fewer than MIN_RATE_BEATS beats. */
export function rhythmStats(beats: readonly number[], fs: number): RhythmStats | undefined {
  if (beats.length < MIN_RATE_BEATS || !(fs > 0)) return undefined;
  const rr = rrIntervals(beats).map((d) => d / fs);
  const median = medianOf(rr);
  if (!(median > 0)) return undefined;
  const diffs = rr.slice(1).map((r, i) => r - rr[i]);
  const rmssd = Math.sqrt(diffs.reduce((s, d) => s + d * d, 0) / diffs.length);
  // Each interval against the median of its neighbourhood; interval i ends at beat i + 1.
  const ratio = rr.map((r, i) => r / medianOf(rr.slice(Math.max(0, i - LOCAL_HALF_SPAN), i + LOCAL_HALF_SPAN + 1)));
  const followedByLonger = (i: number) => i + 1 < rr.length && rr[i + 1] > rr[i];
  const premature: number[] = [];
  let mostPrematureRatio = 1, longestPauseRatio = 1;
  for (let i = 0; i < rr.length; i++) {
    if (followedByLonger(i)) {
      mostPrematureRatio = Math.min(mostPrematureRatio, ratio[i]);
      if (ratio[i] < PREMATURE_RATIO) premature.push(i + 1);
    }
    if (!(i > 0 && ratio[i - 1] < PREMATURE_RATIO)) longestPauseRatio = Math.max(longestPauseRatio, ratio[i]);
  }
  const isPremature = new Set(premature);
  const underlying = rr.filter((_, i) => !isPremature.has(i + 1) && !isPremature.has(i));
  return {
    bpm: 60 / median,
    rrIrregularity: rmssd / median,
    rrSuccessiveMedian: medianOf(diffs.map(Math.abs)) / median,
    prematureFraction: premature.length / (rr.length - 1),
    rrMinMaxRatio: Math.min(...rr) / Math.max(...rr),
    underlyingRrRangeS: underlying.length >= 2 ? Math.max(...underlying) - Math.min(...underlying) : 0,
    mostPrematureRatio,
    longestPauseRatio,
    beats: beats.length,
    premature,
  };
}
