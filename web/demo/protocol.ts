/** Messages between the Train page and its workers (one worker per architecture). */
import type { EpochLog, StepInfo } from '../../src/train/trainer.js';

/** A synthetic record: generateRecord(cls, seed) gives it back bit for bit, in the page or in Node. */
export interface RecordId { cls: number; seed: number }

export interface StartMessage { type: 'start'; arch: string; perClass: number; epochs: number; seed: number }
export type ToWorker = StartMessage | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export interface DoneMessage {
  type: 'done';
  arch: string;
  stopped: boolean;
  history: EpochLog[];
  confusion: number[][];
  testAccuracy: number;
  /** The test records and the trained model's raw logits for them (row-major, 10 per record). */
  testIds: RecordId[];
  testLogits: number[];
  temperature: number;
  /** The model file (loadable by Classifier.load and `ecgpu predict --model`). */
  bytes: ArrayBuffer;
}

export type FromWorker =
  | { type: 'status'; arch: string; text: string }
  | { type: 'step'; arch: string; step: StepInfo; done: number; total: number; imagesPerSecond: number; etaSeconds: number }
  | { type: 'epoch'; arch: string; entry: EpochLog }
  | { type: 'paused'; arch: string }
  | DoneMessage
  | { type: 'error'; arch: string; message: string };
