/** Messages between the Train page and its workers (one worker per architecture). */
import type { EpochLog, StepInfo } from '../../src/train/trainer.js';

/** A synthetic record: generateRecord(cls, seed) gives it back bit for bit, in the page or in Node. */
export interface RecordId { cls: number; seed: number }

export interface StartMessage {
  type: 'start'; arch: string; perClass: number; epochs: number; seed: number;
  /**
   * Drawing the records costs as much CPU as a few epochs on SwiftShader, so the workers share it: of
   * `parts` workers, this one draws every record whose index in its split is `part` modulo `parts`,
   * posts them in a `data` message, and takes the others' parts from the page.
   */
  part: number;
  parts: number;
}
/** One worker's part of the drawn train, validation and test images (see StartMessage.part). */
export interface DataMessage { type: 'data'; part: number; train: Float32Array[]; val: Float32Array[]; test: Float32Array[] }
export type ToWorker = StartMessage | DataMessage | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

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
  /** Seconds from the start message to the result: rendering, training and evaluation. */
  wallSeconds: number;
  /** Of which: generating and drawing the records, and waiting for the other worker's part. */
  drawSeconds: number;
  /** The WebGPU adapter it trained on. */
  adapter: string;
}

export type FromWorker =
  | { type: 'status'; arch: string; text: string }
  | { type: 'step'; arch: string; step: StepInfo; done: number; total: number; imagesPerSecond: number; etaSeconds: number }
  | { type: 'epoch'; arch: string; entry: EpochLog }
  | (DataMessage & { arch: string })
  | { type: 'paused'; arch: string }
  | DoneMessage
  | { type: 'error'; arch: string; message: string };
