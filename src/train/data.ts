/** What the trainer sees of a dataset: images (CHW, [0,1]) and labels, by index. */
import { mulberry32 } from '../reference/random.js';
import { normaliseInto, type Normalisation } from '../inference/normalise.js';
import { augmentImage, type AugmentOptions } from './augment.js';

export interface ImageSet {
  readonly count: number;
  readonly shape: [number, number, number];
  image(i: number): Float32Array;
  label(i: number): number;
  /** Every class of image `i` (multi-label truth, sorted), where the set knows them; `label(i)` is one of them. */
  classes?(i: number): readonly number[];
  /** Record name, for reports. */
  name(i: number): string;
}

// The normalisation is computed here on the training set, stored with the model and applied by inference.
export type { Normalisation };

export function computeNormalisation(set: ImageSet, maxImages = 256): Normalisation {
  const [c, h, w] = set.shape;
  const sum = new Float64Array(c), sq = new Float64Array(c);
  const n = Math.min(set.count, maxImages);
  for (let i = 0; i < n; i++) {
    const img = set.image(Math.floor((i * set.count) / n));
    for (let ch = 0; ch < c; ch++) {
      for (let j = ch * h * w; j < (ch + 1) * h * w; j++) {
        sum[ch] += img[j];
        sq[ch] += img[j] * img[j];
      }
    }
  }
  const count = n * h * w;
  const mean = [...sum].map((s) => s / count);
  const std = [...sq].map((s, ch) => Math.sqrt(Math.max(s / count - mean[ch] ** 2, 1e-6)));
  return { mean, std };
}

/** Fisher–Yates shuffle with a seeded RNG. */
export function shuffled(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * `n` indices drawn with replacement, each class equally likely (a record with probability 1 / (k ·
 * its class's count)): few-record classes are seen as often as the common ones. Seeded.
 */
export function balancedOrder(labels: ArrayLike<number>, n: number, seed: number): number[] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const group = byClass.get(labels[i]);
    if (group) group.push(i);
    else byClass.set(labels[i], [i]);
  }
  const groups = [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c)!);
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const g = groups[Math.floor(rand() * groups.length)];
    return g[Math.floor(rand() * g.length)];
  });
}

/** Assembles a normalised (and optionally augmented) NCHW batch on the host. */
export function makeBatch(
  set: ImageSet, indices: number[], norm: Normalisation, augment?: { options: AugmentOptions; seed: number },
): { x: Float32Array; y: Int32Array } {
  const [c, h, w] = set.shape;
  const per = c * h * w;
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length);
  indices.forEach((idx, b) => {
    let img = set.image(idx);
    if (augment) img = augmentImage(img, c, h, w, augment.options, mulberry32((augment.seed ^ Math.imul(idx + 1, 0x9e3779b1)) >>> 0));
    normaliseInto(img, norm, h * w, x, b * per);
    y[b] = set.label(idx);
  });
  return { x, y };
}

/** Batch-norm cannot normalise a batch of one: such a trailing batch is folded into the previous. */
export function batchesOf(order: number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  if (out.length > 1 && out[out.length - 1].length < 2) out[out.length - 2].push(...out.pop()!);
  return out;
}
