/** Normalisation ops: cross-channel LRN (AlexNet) and batch normalisation. */
import type { Tensor } from '../../engine/tensor.js';
import { lrnBackward, lrnForward } from '../../kernels/lrn.js';
import { lrnRef } from '../../reference/lrn.js';
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
  forward: ([x], attrs) => {
    const { out, scale } = lrnForward(x, attrs);
    return { out, saved: [scale] };
  },
  backward: ({ inputs: [x], saved: [scale], grad, attrs }) => [lrnBackward(x, scale, grad, attrs)],
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
  ],
});

export const lrn = (x: Tensor, attrs: Partial<LrnAttrs> = {}) => apply(lrnOp, [x], { ...ALEXNET_LRN, ...attrs });
