/**
 * The training loop. One training step is one command buffer: upload the batch, forward, loss,
 * backward, optimiser update, all recorded and submitted together; the loss and logits are read
 * after the submit (never inside the step) for the progress line and the NaN check.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { backward, noGrad, softmaxCrossEntropy } from '../autograd/index.js';
import type { AlexNet } from '../models/alexnet.js';
import { SGD, Adam, AdamW, cosine, stepDecay, constant, warmup, type Optimizer, type Schedule } from '../optim/index.js';
import { balancedOrder, batchesOf, makeBatch, shuffled, type ImageSet, type Normalisation } from './data.js';
import { DEFAULT_AUGMENT, type AugmentOptions } from './augment.js';
import { CheckpointError, loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint.js';
import { ProgressBar } from './progress-bar.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'cosine' | 'step' | 'constant';
  warmupEpochs: number;
  augment: AugmentOptions;
  /** Epoch order: a shuffle of the training set, or class-balanced draws of the same size. */
  sampling?: 'shuffle' | 'balanced';
  /**
   * Which epoch is the best (best.ckpt, evaluated on the test split): the highest validation accuracy
   * (ties: lower loss; the default), or the lowest validation loss. On a small validation split the
   * accuracy moves in whole records and an early lucky epoch can win; the loss is continuous.
   */
  bestBy?: 'val-accuracy' | 'val-loss';
  seed: number;
  /** Where checkpoints go; none when undefined. */
  dir?: string;
  resume?: boolean;
  /** Stop after this many epochs in this process (tests simulate a killed run with it). */
  stopAfterEpochs?: number;
  /** Called after each checkpoint file is in place (tests kill the run here, at every write in turn). */
  afterCheckpointWrite?: (file: string) => void;
  log?: (line: string) => void;
  progress?: boolean;
  /** After every step (live charts, pause: return a promise, stop: resolve to 'stop'; the browser demo). */
  onStep?: (s: StepInfo) => void | 'stop' | Promise<void | 'stop'>;
  /** After every epoch, with its log entry. */
  onEpoch?: (e: EpochLog) => void;
}

export interface StepInfo {
  /** 1-based epoch and batch within it. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  step: number;
  loss: number;
  acc: number;
  /** Images trained so far in this epoch, and their rate. */
  seen: number;
  imagesPerSecond: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
  epochs: 20, batchSize: 16, optimizer: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine',
  warmupEpochs: 1, augment: DEFAULT_AUGMENT, seed: 1,
};

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainerState {
  epochsDone: number;
  step: number;
  history: EpochLog[];
  bestEpoch: number;
  bestValAcc: number;
  bestValLoss: number;
}

export class TrainingDivergedError extends Error {}

export function makeOptimizer(model: AlexNet, o: TrainOptions): Optimizer {
  const params = model.parameters();
  if (o.optimizer === 'sgd') return new SGD(params, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  if (o.optimizer === 'adam') return new Adam(params, { lr: o.lr, weightDecay: o.weightDecay });
  return new AdamW(params, { lr: o.lr, weightDecay: o.weightDecay });
}

export function makeSchedule(o: TrainOptions, stepsPerEpoch: number): Schedule {
  const total = o.epochs * stepsPerEpoch;
  const base = o.schedule === 'cosine' ? cosine(o.lr, total, o.lr * 0.01)
    : o.schedule === 'step' ? stepDecay(o.lr, Math.max(1, Math.round(total / 3)), 0.1)
    : constant(o.lr);
  return o.warmupEpochs > 0 ? warmup(Math.round(o.warmupEpochs * stepsPerEpoch), base, 0.1) : base;
}

/** Logits of a whole set, eval mode, no graph. */
export async function predictLogits(model: AlexNet, set: ImageSet, norm: Normalisation, batchSize = 32): Promise<Float32Array> {
  const k = model.config.numClasses;
  const out = new Float32Array(set.count * k);
  const wasTraining = model.training;
  model.eval();
  for (let i = 0; i < set.count; i += batchSize) {
    const idx = [...Array(Math.min(batchSize, set.count - i)).keys()].map((j) => i + j);
    const { x } = makeBatch(set, idx, norm);
    const logits = tidy(() => noGrad(() => model.forward(Tensor.from(x, [idx.length, ...set.shape]))));
    out.set(await logits.read(), i * k);
    logits.dispose();
  }
  model.train(wasTraining);
  return out;
}

export function lossAndAccuracy(logits: Float32Array, labels: ArrayLike<number>, k: number): { loss: number; acc: number } {
  let loss = 0, correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * k, (i + 1) * k);
    let max = -Infinity, arg = 0;
    for (let j = 0; j < k; j++) if (row[j] > max) { max = row[j]; arg = j; }
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(row[j] - max);
    loss += Math.log(z) + max - row[labels[i]];
    if (arg === labels[i]) correct++;
  }
  return { loss: loss / Math.max(1, labels.length), acc: correct / Math.max(1, labels.length) };
}

export interface TrainResult {
  state: TrainerState;
  /** Path of the best epoch's checkpoint (by validation accuracy), when a directory was given. */
  bestCheckpoint?: string;
  /** onStep asked to stop before the last epoch ended (the model holds the weights of that step). */
  stopped?: boolean;
}

/**
 * The best.ckpt beside a resumed last.ckpt must hold the epoch last.ckpt calls the best, or be ahead of
 * it (written just before a kill; it is rewritten when that epoch is retrained).
 */
function checkPair(last: string, best: string, state: TrainerState, log: (l: string) => void): void {
  if (state.bestEpoch < 1) return;
  if (!existsSync(best)) throw new CheckpointError(best, `missing, but ${last} names epoch ${state.bestEpoch} as the best; run without --resume to start afresh`);
  const b = readCheckpointState<TrainerState>(best);
  if (b.epochsDone > state.epochsDone) log(`${best} is from epoch ${b.epochsDone}, ahead of ${last} (a kill came between the two writes): epoch ${b.epochsDone} is retrained`);
  else if (b.epochsDone !== state.bestEpoch) {
    throw new CheckpointError(best, `holds epoch ${b.epochsDone}, but ${last} names epoch ${state.bestEpoch} as the best; run without --resume to start afresh`);
  }
}

/** Whether an epoch's validation result beats the best so far under the `bestBy` rule. */
export function isBetterEpoch(val: { acc: number; loss: number }, best: Pick<TrainerState, 'bestValAcc' | 'bestValLoss'>, bestBy: NonNullable<TrainOptions['bestBy']>): boolean {
  if (bestBy === 'val-loss') return val.loss < best.bestValLoss;
  return val.acc > best.bestValAcc || (val.acc === best.bestValAcc && val.loss < best.bestValLoss);
}

export async function train(model: AlexNet, trainSet: ImageSet, valSet: ImageSet, norm: Normalisation, options: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const o = { ...DEFAULT_TRAIN, ...options };
  const log = o.log ?? (() => {});
  const optimizer = makeOptimizer(model, o);
  const stepsPerEpoch = batchesOf([...Array(trainSet.count).keys()], o.batchSize).length;
  const schedule = makeSchedule(o, stepsPerEpoch);
  const k = model.config.numClasses;
  const trainLabels = Array.from({ length: trainSet.count }, (_, i) => trainSet.label(i));
  let state: TrainerState = { epochsDone: 0, step: 0, history: [], bestEpoch: -1, bestValAcc: -1, bestValLoss: Infinity };
  const last = o.dir ? join(o.dir, 'last.ckpt') : undefined;
  const best = o.dir ? join(o.dir, 'best.ckpt') : undefined;
  if (o.dir) mkdirSync(o.dir, { recursive: true });
  if (o.resume && last && existsSync(last)) {
    state = loadCheckpoint<TrainerState>(last, model, optimizer);
    checkPair(last, best!, state, log);
    log(`resumed from ${last} after epoch ${state.epochsDone} (step ${state.step})`);
  } else if (o.resume) log(`--resume: no ${last ?? 'checkpoint folder'} yet, starting from the first epoch`);
  let epochsThisRun = 0, stopped = false;
  try {
    for (let epoch = state.epochsDone; epoch < o.epochs && !stopped; epoch++) {
      if (o.stopAfterEpochs !== undefined && epochsThisRun >= o.stopAfterEpochs) break;
      model.train();
      const t0 = performance.now();
      const orderSeed = o.seed * 1000 + epoch;
      const order = o.sampling === 'balanced' ? balancedOrder(trainLabels, trainSet.count, orderSeed) : shuffled(trainSet.count, orderSeed);
      const batches = batchesOf(order, o.batchSize);
      const bar = o.progress ? new ProgressBar(`epoch ${epoch + 1}/${o.epochs}`, trainSet.count) : undefined;
      let seen = 0, lossSum = 0, correct = 0;
      // Batches are assembled on the host (augmentation included) while the GPU runs the previous step.
      const batchAt = (b: number, step: number) => makeBatch(trainSet, batches[b], norm, { options: o.augment, seed: (o.seed * 7919 + step) >>> 0 });
      let next = batchAt(0, state.step);
      for (const [b, idx] of batches.entries()) {
        const { x, y } = next;
        optimizer.lr = schedule(state.step);
        const { loss, logits } = tidy(() => {
          model.setStep(state.step);
          const input = Tensor.from(x, [idx.length, ...trainSet.shape]);
          const labels = Tensor.from(y, [idx.length], 'i32');
          const logits = model.forward(input);
          const loss = softmaxCrossEntropy(logits, labels);
          backward(loss);
          optimizer.step();
          optimizer.zeroGrad();
          return { loss: loss.keep(), logits: logits.keep() };
        });
        // Both copies go in one submit with the step, read back with one wait; the next batch is built
        // meanwhile.
        const reads = Tensor.readAll([loss, logits]);
        if (b + 1 < batches.length) next = batchAt(b + 1, state.step + 1);
        const [lv, lg] = await reads;
        loss.dispose();
        logits.dispose();
        if (!Number.isFinite(lv[0])) {
          throw new TrainingDivergedError(
            `loss became ${lv[0]} at epoch ${epoch + 1}, step ${state.step} (batch ${b + 1}); ` +
              (last && existsSync(last) ? `the last good checkpoint is ${last}` : 'no checkpoint was written yet') +
              '. Try a lower --lr.',
          );
        }
        const m = lossAndAccuracy(lg, y, k);
        lossSum += lv[0] * idx.length;
        correct += Math.round(m.acc * idx.length);
        seen += idx.length;
        state.step++;
        bar?.update(seen, `loss ${(lossSum / seen).toFixed(3)} acc ${(correct / seen).toFixed(3)}`);
        const asked = await o.onStep?.({
          epoch: epoch + 1, epochs: o.epochs, batch: b + 1, batches: batches.length, step: state.step, loss: lv[0], acc: m.acc,
          seen, imagesPerSecond: seen / ((performance.now() - t0) / 1000),
        });
        if (asked === 'stop') { stopped = true; break; }
      }
      if (stopped) break;
      const seconds = (performance.now() - t0) / 1000;
      // Without a validation set (tiny levels) every epoch counts as the best: the last one is kept.
      const val = valSet.count
        ? lossAndAccuracy(await predictLogits(model, valSet, norm), [...Array(valSet.count).keys()].map((i) => valSet.label(i)), k)
        : { loss: NaN, acc: NaN };
      const entry: EpochLog = {
        epoch: epoch + 1, trainLoss: lossSum / seen, trainAcc: correct / seen, valLoss: val.loss, valAcc: val.acc,
        lr: optimizer.lr, seconds, imagesPerSecond: seen / seconds,
      };
      state.history.push(entry);
      o.onEpoch?.(entry);
      state.epochsDone = epoch + 1;
      log(`epoch ${entry.epoch}/${o.epochs}  train loss ${entry.trainLoss.toFixed(4)} acc ${entry.trainAcc.toFixed(3)}  ` +
        `val loss ${entry.valLoss.toFixed(4)} acc ${entry.valAcc.toFixed(3)}  lr ${entry.lr.toExponential(2)}  ` +
        `${entry.imagesPerSecond.toFixed(1)} img/s`);
      const improved = !valSet.count || isBetterEpoch(val, state, o.bestBy ?? 'val-accuracy');
      if (improved) Object.assign(state, { bestEpoch: epoch + 1, bestValAcc: val.acc, bestValLoss: val.loss });
      // best.ckpt before last.ckpt: last.ckpt never names a best epoch that best.ckpt does not hold yet.
      // A kill between the two leaves best.ckpt one epoch ahead; resuming from last.ckpt retrains that
      // epoch bit for bit and writes both again.
      if (improved && best) { await saveCheckpoint(best, model, optimizer, state); o.afterCheckpointWrite?.(best); }
      if (last) { await saveCheckpoint(last, model, optimizer, state); o.afterCheckpointWrite?.(last); }
      epochsThisRun++;
    }
  } finally {
    optimizer.zeroGrad();
    optimizer.disposeState();
  }
  return { state, bestCheckpoint: best && existsSync(best) ? best : undefined, stopped };
}
