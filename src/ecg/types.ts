/**
 * The record model shared by every reader, the synthetic generator, the renderer and the datasets.
 * A record is held in physical units (millivolts) lead by lead; digital values are kept when they
 * came from a file, so `ecgpu inspect` can print them exactly as the reference `rdsamp` does.
 */
export interface SignalSpec {
  /** Signal file the samples live in (as written in the header, e.g. `JS00001.mat`). */
  fileName: string;
  /** WFDB storage format: 16, 212, ... */
  format: number;
  samplesPerFrame: number;
  skew: number;
  byteOffset: number;
  /** ADC units per physical unit. */
  gain: number;
  /** The header gave gain 0 or none (uncalibrated): `gain` is WFDB's default 200, a guess. */
  uncalibrated?: boolean;
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  initialValue?: number;
  checksum?: number;
  blockSize: number;
  description: string;
}

export interface RecordHeader {
  name: string;
  nSignals: number;
  fs: number;
  nSamples: number;
  baseTime?: string;
  baseDate?: string;
  signals: SignalSpec[];
  /** Comment lines without the leading `#`, in order. */
  comments: string[];
  /** Diagnoses from `#Dx:` (SNOMED CT codes or the abbreviations early Challenge files use). */
  dx: string[];
  age?: number;
  sex?: string;
  /** Problems a reader recovered from (e.g. a record line merged with the first signal line). */
  warnings?: string[];
  /** A multi-segment record's master header (`name/nseg`): its segments in order, no signals. */
  segments?: SegmentSpec[];
}

/** One line of a multi-segment master header: a segment record's name (`~` for a gap) and length. */
export interface SegmentSpec {
  name: string;
  nSamples: number;
}

export interface EcgRecord {
  header: RecordHeader;
  /** Lead names in order (the signal descriptions, e.g. `I`, `II`, `V1`). */
  leads: string[];
  fs: number;
  /** One array per lead, physical units (mV). */
  signals: Float32Array[];
  /** One array per lead, digital ADC values, when the record came from a file. */
  digital?: Int32Array[];
  /** Where it came from (path), for error messages and reports. */
  source: string;
}

/** The 10 classes of the reference paper, in class-id order. */
export const CLASS_NAMES = [
  'normal sinus rhythm',
  'sinus tachycardia',
  'sinus bradycardia',
  'LBBB',
  'RBBB',
  'LVH',
  'RVH',
  'ST elevation',
  'ST depression',
  'ectopy',
] as const;
export const NUM_CLASSES = CLASS_NAMES.length;

/** An error about one input file: always names the file and what is wrong with it. */
export class EcgInputError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'EcgInputError';
  }
}

export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;

/** Limb leads that Einthoven's and Goldberger's equations give from leads I and II. */
export const DERIVED_LIMB_LEADS: Readonly<Record<string, (i: number, ii: number) => number>> = {
  III: (i, ii) => ii - i,
  aVR: (i, ii) => -(i + ii) / 2,
  aVL: (i, ii) => i - ii / 2,
  aVF: (i, ii) => ii - i / 2,
};
