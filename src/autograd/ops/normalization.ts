/** Normalisation ops: cross-channel LRN (AlexNet) and batch normalisation. */
import type { Tensor } from '../../engine/tensor.js';
import { lrnBackward, lrnForward } from '../../kernels/lrn.js';
import { lrnRef } from '../../reference/lrn.js';
import { bnApply, bnBackward, bnStats } from '../../kernels/batchnorm.js';
import { batchNormRef } from '../../reference/batchnorm.js';
import { apply, defineOp } from '../op.js';

/** PyTorch's LocalResponseNorm convention: b = a / (k + alpha/size · Σ_window a²)^beta. */
export interface LrnAttrs {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}
export const ALEXNET_LRN: LrnAttrs = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };
const strong: LrnAttrs = { size: 5, alpha: 2, beta: 0.75, k: 1 };
const wide = (shapes: number[][], scale: number) => (rand: () => number) =>
  shapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => scale * (2 * rand() - 1)));

export const lrnOp = defineOp<LrnAttrs>({
  name: 'lrn',
  forward: ([x], attrs) => ({ out: lrnForward(x, attrs) }),
  backward: ({ inputs: [x], grad, attrs }) => [lrnBackward(x, grad, attrs)],
  reference: ([x], attrs) => lrnRef(x, attrs),
  cases: [
    { shapes: [[2, 12, 5, 5]], attrs: ALEXNET_LRN, inputs: wide([[2, 12, 5, 5]], 30), label: 'AlexNet constants, large activations' },
    { shapes: [[2, 7, 3, 4]], attrs: strong, label: 'strong normalisation' },
    { shapes: [[1, 3, 2, 2]], attrs: strong, label: 'edge: fewer channels than the window' },
    { shapes: [[2, 9, 3, 3]], attrs: { size: 4, alpha: 1.5, beta: 0.5, k: 1.5 }, label: 'even window' },
    { shapes: [[3, 6]], attrs: strong, label: '2-D input [N, C]' },
    { shapes: [[1, 1, 3, 3]], attrs: strong, label: 'edge: one channel' },
  ],
  gradCases: [
    { shapes: [[1, 8, 2, 3]], attrs: strong },
    { shapes: [[1, 6, 2, 2]], attrs: { size: 4, alpha: 1.5, beta: 0.5, k: 1.5 }, label: 'even window' },
    { shapes: [[1, 7, 2, 2]], attrs: ALEXNET_LRN, inputs: wide([[1, 7, 2, 2]], 30), label: 'AlexNet constants' },
    { shapes: [[1, 20, 1, 2]], attrs: { size: 17, alpha: 2, beta: 0.6, k: 1 }, label: 'window wider than the ring (general backward)' },
  ],
});

export const lrn = (x: Tensor, attrs: Partial<LrnAttrs> = {}) => apply(lrnOp, [x], { ...ALEXNET_LRN, ...attrs });

/** Running statistics of a batch-norm layer, updated in place on the GPU by training-mode forwards. */
export interface BatchNormState {
  runningMean: Tensor;
  runningVar: Tensor;
}
export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}
export interface BatchNormAttrs {
  training: boolean;
  momentum: number;
  eps: number;
  /** Absent in training: batch statistics only, nothing updated. Required in eval. */
  state?: BatchNormState;
}

const bnCase = (x: number[], label?: string) => ({
  shapes: [x, [x[1]], [x[1]]],
  attrs: { training: true, momentum: 0.1, eps: 1e-5 },
  label,
  // Channel means and scales away from 0 and 1, so that the test sees the normalisation.
  inputs: (rand: () => number) => {
    const c = x[1], hw = x.slice(2).reduce((a, b) => a * b, 1);
    const shift = Array.from({ length: c }, () => 4 * rand() - 2), sc = Array.from({ length: c }, () => 0.5 + 2 * rand());
    const xs = Array.from({ length: x.reduce((a, b) => a * b, 1) }, (_, i) => shift[Math.floor(i / hw) % c] + sc[Math.floor(i / hw) % c] * (2 * rand() - 1));
    return [xs, Array.from({ length: c }, () => 0.5 + rand()), Array.from({ length: c }, () => 2 * rand() - 1)];
  },
});

export const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  forward: ([x, gamma, beta], attrs) => {
    if (attrs.training) {
      const running = attrs.state ? { mean: attrs.state.runningMean, var: attrs.state.runningVar } : null;
      const { mean, var: variance } = bnStats(x, running, attrs.momentum, attrs.eps);
      return { out: bnApply(x, mean, variance, gamma, beta, attrs.eps), saved: [mean, variance] };
    }
    if (!attrs.state) throw new Error('batchNorm: eval mode needs running statistics (state)');
    return { out: bnApply(x, attrs.state.runningMean, attrs.state.runningVar, gamma, beta, attrs.eps) };
  },
  backward: ({ inputs: [x, gamma], saved, grad, attrs }) => {
    const [mean, variance] = attrs.training ? saved : [attrs.state!.runningMean, attrs.state!.runningVar];
    const { dx, dgamma, dbeta } = bnBackward(grad, x, mean, variance, gamma, attrs.eps, attrs.training);
    return [dx, dgamma, dbeta];
  },
  reference: ([x, gamma, beta], attrs) => {
    const r = batchNormRef(x, gamma, beta, { ...attrs, state: undefined });
    return { data: r.data, shape: r.shape };
  },
  cases: [
    bnCase([4, 3, 5, 5], 'NCHW'),
    bnCase([6, 5], '1-D [N, C]'),
    bnCase([2, 4, 16, 16], 'NCHW, workgroup per channel'),
    bnCase([3, 2, 7, 13], 'NCHW, odd plane < 64'),
    bnCase([300, 3], '1-D, many rows'),
    bnCase([2, 1, 1, 1], 'edge: two values per channel'),
  ],
  gradCases: [bnCase([3, 2, 2, 3], 'NCHW'), bnCase([5, 3], '1-D'), bnCase([2, 2, 9, 16], 'workgroup per channel')],
  gradTolerance: { atol: 3e-3, rtol: 3e-2 },
});

/**
 * Batch normalisation over axis 1 of [N, C, H, W] or [N, C]. Training uses batch statistics and
 * updates `state` in place; eval uses `state`'s running statistics.
 */
export const batchNorm = (x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState | null | undefined, opts: BatchNormOptions) =>
  apply(batchNormOp, [x, gamma, beta], { training: opts.training, momentum: opts.momentum ?? 0.1, eps: opts.eps ?? 1e-5, state: state ?? undefined });
