/** Messages between the Adapt page and its worker (reading the folder, fine-tuning, comparing). */
import type { FineTuneStep } from '../../src/train/finetune/finetune.js';
import type { ValidationComparison } from '../../src/train/finetune/compare.js';
import type { HeadEpoch } from '../../src/train/findings/train-head.js';
import type { AdaptWhat } from './adapt-run.js';

/** What the folder held, as the page lists it before anything trains. */
export interface FolderSummary {
  /** Files in the folder picked (hidden folders aside). */
  files: number;
  /** Records whose header was read (labelled or not). */
  records: number;
  /** Of which labelled with at least one of the 10 classes. */
  labelled: number;
  /** Labelled records the model can read (the others are refused). */
  usable: number;
  /** Records that cannot be used, with the one-line reason the CLI gives. */
  refused: { path: string; reason: string }[];
  /** Usable records per class (a record may count for several). */
  classCounts: number[];
  /** How labels were found beyond the headers (PTB-XL's database). */
  notes: string[];
  /** The seeded stratified split. */
  seed: number;
  train: number;
  val: number;
  /** The validation records (paths in the folder), in the order the comparison scores them. */
  valRecords: string[];
  /** Positives per class in the validation part. */
  valPositives: number[];
  /** Why nothing can run (too few labelled records, nothing to validate on); undefined when it can. */
  problem?: string;
}

export type ToAdaptWorker =
  | { type: 'read'; files: { file: File; path: string }[]; seed: number }
  | { type: 'start'; epochs: number; what: AdaptWhat }
  | { type: 'stop' };

export interface AdaptDone {
  type: 'done';
  stopped: boolean;
  comparison: ValidationComparison;
  thresholdsBefore: number[];
  thresholdsAfter: number[];
  epochLosses: number[];
  /** The adapted model file (loadable by Classifier.load and `ecgpu predict --model`). */
  bytes: ArrayBuffer;
  /** What was adapted. */
  what: AdaptWhat;
  /** 'findings': the classes the learned head answers (at least 10 positives and negatives in training). */
  headClasses?: number[];
  /** Seconds of training (the network's fine-tuning or the findings head's), and from Start to the result. */
  trainSeconds: number;
  wallSeconds: number;
  adapter: string;
}

export type FromAdaptWorker =
  | { type: 'status'; text: string }
  | { type: 'summary'; summary: FolderSummary }
  | { type: 'step'; step: FineTuneStep; imagesPerSecond: number; etaSeconds: number }
  | { type: 'headEpoch'; epoch: HeadEpoch; etaSeconds: number }
  | AdaptDone
  | { type: 'error'; message: string };
