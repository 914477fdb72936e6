/**
 * What the findings are fitted and evaluated on, one record at a time (browser-safe: the Node-only
 * extraction with its disk cache is examples.ts; the demo's Adapt page builds these in a Worker).
 */

/** A record to learn from or evaluate on: where it is, which database group it comes from, its classes. */
export interface LabelledRecord {
  path: string;
  name: string;
  source: string;
  classes: number[];
}

export interface Example extends LabelledRecord {
  /** The image network's raw scores (empty when refused). */
  logits: number[];
  /** Measured features in FEATURE_NAMES order (empty when refused). */
  features: number[];
  /** Recording statistics in TRIVIAL_NAMES order. */
  trivial: number[];
  /** Why the classifier refused the record (too few leads, flat, …). */
  refused?: string;
}

export const TRIVIAL_NAMES = [
  'sampling rate (Hz)', 'duration (s)', 'leads in the file', 'median ADC gain (units/mV)',
  'median lead SD (mV)', 'median first-difference SD (mV)', 'median 1-s baseline SD (mV)',
] as const;

/** The source name of synthetic examples (never a held-out source: synthetic pretraining data). */
export const SYNTHETIC_SOURCE = 'synthetic';
