/**
 * Fine-tuning a trained image network on a few hundred labelled real records (the demo's Adapt page, in
 * a Worker on the visitor's GPU): every weight of the network trained on the records' multi-label truth
 * with one sigmoid per class and binary cross-entropy over its logits (a record may carry several of the
 * classes, or none), Adam with a cosine schedule, a fixed number of epochs (no early stopping on the
 * validation part, so that the validation figures stay honest). The images come already rendered and
 * normalised as the model takes them (Classifier's modelInput), with the model file's own normalisation.
 * Browser-safe: no Node imports.
 */
import { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { backward, noGrad, sigmoidBinaryCrossEntropy } from '../../autograd/index.js';
import type { AlexNet } from '../../models/alexnet.js';
import { Adam, cosine } from '../../optim/index.js';
import { batchesOf, shuffled } from '../data.js';

/** One record as the fine-tuning takes it. */
export interface AdaptExample {
  name: string;
  /** The normalised input image, CHW, as the model takes it. */
  image: Float32Array;
  /** Measured features (FEATURE_NAMES order), for the findings' criterion scores. */
  features: ArrayLike<number>;
  /** Multi-label truth: class indices. */
  classes: readonly number[];
}

export interface FineTuneOptions {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** After every step; resolve to 'stop' to end the run there (the weights of that step are kept). */
  onStep?: (s: FineTuneStep) => void | 'stop' | Promise<void | 'stop'>;
}

/** One step's report: `seen` of the epoch's `total` records so far, `seconds` since the fine-tuning began. */
export interface FineTuneStep { epoch: number; epochs: number; batch: number; batches: number; step: number; loss: number; seen: number; total: number; seconds: number }

export const DEFAULT_FINE_TUNE: Omit<FineTuneOptions, 'onStep'> = { epochs: 4, lr: 3e-4, batchSize: 8, seed: 1 };

/** The records' truth as 0/1 targets, n × k, row-major. */
export function multiHot(examples: readonly Pick<AdaptExample, 'classes'>[], k: number): Float32Array {
  const y = new Float32Array(examples.length * k);
  examples.forEach((e, i) => { for (const c of e.classes) if (c >= 0 && c < k) y[i * k + c] = 1; });
  return y;
}

function stack(examples: readonly AdaptExample[], idx: readonly number[]): Float32Array {
  const per = examples[0].image.length;
  const x = new Float32Array(idx.length * per);
  idx.forEach((r, b) => x.set(examples[r].image, b * per));
  return x;
}

/** Trains `model` in place; returns the mean loss of each epoch and whether it was stopped. */
export async function fineTuneNetwork(model: AlexNet, shape: readonly [number, number, number], train: readonly AdaptExample[], options: Partial<FineTuneOptions> = {}): Promise<{ epochLosses: number[]; steps: number; stopped: boolean }> {
  const o = { ...DEFAULT_FINE_TUNE, ...options };
  const k = model.config.numClasses;
  if (train.length < 2) throw new Error(`fine-tuning needs at least 2 training records, got ${train.length}`);
  const y = multiHot(train, k);
  const batchesPerEpoch = batchesOf(shuffled(train.length, 0), o.batchSize).length;
  const schedule = cosine(o.lr, o.epochs * batchesPerEpoch, o.lr * 0.01);
  const optimizer = new Adam(model.parameters(), { lr: o.lr, weightDecay: 0 });
  const epochLosses: number[] = [];
  let step = 0, stopped = false;
  const t0 = performance.now();
  model.train();
  try {
    for (let epoch = 0; epoch < o.epochs && !stopped; epoch++) {
      const batches = batchesOf(shuffled(train.length, o.seed * 1000 + epoch), o.batchSize);
      let sum = 0, seen = 0;
      for (const [b, idx] of batches.entries()) {
        optimizer.lr = schedule(step);
        const yb = new Float32Array(idx.length * k);
        idx.forEach((r, i) => yb.set(y.subarray(r * k, (r + 1) * k), i * k));
        const loss = tidy(() => {
          model.setStep(step);
          const out = sigmoidBinaryCrossEntropy(model.forward(Tensor.from(stack(train, idx), [idx.length, ...shape])), Tensor.from(yb, [idx.length, k]));
          backward(out);
          optimizer.step();
          optimizer.zeroGrad();
          return out.keep();
        });
        const lv = (await loss.read())[0];
        loss.dispose();
        if (!Number.isFinite(lv)) throw new Error(`fine-tuning: the loss became ${lv} at epoch ${epoch + 1}, step ${step + 1}`);
        step++;
        sum += lv * idx.length;
        seen += idx.length;
        const asked = await o.onStep?.({ epoch: epoch + 1, epochs: o.epochs, batch: b + 1, batches: batches.length, step, loss: lv, seen, total: train.length, seconds: (performance.now() - t0) / 1000 });
        if (asked === 'stop') { stopped = true; break; }
      }
      if (seen) epochLosses.push(sum / seen);
    }
  } finally {
    optimizer.zeroGrad();
    optimizer.disposeState();
    model.eval();
  }
  return { epochLosses, steps: step, stopped };
}

/** The network's raw logits of `examples` (eval mode, no graph), n × k. */
export async function networkLogits(model: AlexNet, shape: readonly [number, number, number], examples: readonly AdaptExample[], batchSize = 16): Promise<Float32Array> {
  const k = model.config.numClasses;
  const out = new Float32Array(examples.length * k);
  const wasTraining = model.training;
  model.eval();
  for (let i = 0; i < examples.length; i += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, examples.length - i) }, (_, j) => i + j);
    const logits = tidy(() => noGrad(() => model.forward(Tensor.from(stack(examples, idx), [idx.length, ...shape]))));
    out.set(await logits.read(), i * k);
    logits.dispose();
  }
  model.train(wasTraining);
  return out;
}
