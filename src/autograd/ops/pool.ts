/** Pooling ops (NCHW): max pooling with saved argmax, adaptive average pooling. */
import type { Tensor } from '../../engine/tensor.js';
import { adaptiveAvgPoolBackward, adaptiveAvgPoolForward, maxPoolBackward, maxPoolForward, type Pool2dGeometry } from '../../kernels/pool.js';
import { adaptiveAvgPoolRef, maxPoolRef } from '../../reference/pool.js';
import { apply, defineOp } from '../op.js';

type Pair = number | [number, number];
export interface MaxPool2dAttrs {
  kernel: Pair;
  /** Default: the kernel size. */
  stride?: Pair;
  /** Default 0; at most half the kernel. */
  pad?: Pair;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const geometry = (a: MaxPool2dAttrs): Pool2dGeometry => ({ kernel: pair(a.kernel), stride: pair(a.stride ?? a.kernel), pad: pair(a.pad ?? 0) });

/** Distinct values (a scaled random permutation): no ties, so finite differences of max are defined. */
export const distinctInputs = (shapes: number[][]) => (rand: () => number) =>
  shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    const v = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [v[i], v[j]] = [v[j], v[i]];
    }
    return v.map((k) => (2 * k) / Math.max(1, n) - 1);
  });

const mp = (shape: number[], attrs: MaxPool2dAttrs, label?: string) => ({ shapes: [shape], attrs, label, inputs: distinctInputs([shape]) });

export const maxPool2dOp = defineOp<MaxPool2dAttrs>({
  name: 'maxPool2d',
  forward: ([x], attrs) => {
    const { out, argmax } = maxPoolForward(x, geometry(attrs));
    return { out, saved: [argmax] };
  },
  backward: ({ inputs: [x], saved: [argmax], grad, attrs }) => [maxPoolBackward(grad, argmax, x.shape, geometry(attrs))],
  reference: ([x], attrs) => {
    const r = maxPoolRef(x, geometry(attrs));
    return { data: r.data, shape: r.shape };
  },
  cases: [
    mp([2, 3, 13, 13], { kernel: 3, stride: 2 }, 'AlexNet overlapping 3×3 stride 2'),
    mp([2, 4, 8, 8], { kernel: 2 }, 'non-overlapping 2×2'),
    mp([1, 2, 7, 9], { kernel: [3, 2], stride: [2, 1], pad: [1, 1] }, 'padded, rectangular'),
    mp([1, 1, 3, 3], { kernel: 3, stride: 1 }, 'edge: window is the whole plane'),
    mp([3, 5, 27, 27], { kernel: 3, stride: 2 }, 'AlexNet 27→13'),
    mp([2, 3, 5, 5], { kernel: 3, stride: 1, pad: 1 }, 'same-size padded'),
  ],
  gradCases: [
    mp([1, 2, 7, 7], { kernel: 3, stride: 2 }, 'overlapping'),
    mp([1, 1, 5, 6], { kernel: [3, 2], stride: [2, 1], pad: [1, 1] }, 'padded'),
    mp([1, 2, 6, 6], { kernel: 3, stride: 2 }, 'overlapping, size divisible by 4 (vec4 zeroing)'),
  ],
});

export interface AdaptiveAvgPool2dAttrs {
  size: [number, number];
}

export const adaptiveAvgPool2dOp = defineOp<AdaptiveAvgPool2dAttrs>({
  name: 'adaptiveAvgPool2d',
  forward: ([x], { size }) => ({ out: adaptiveAvgPoolForward(x, size[0], size[1]) }),
  backward: ({ inputs: [x], grad, attrs: { size } }) => [adaptiveAvgPoolBackward(grad, x.shape, size[0], size[1])],
  reference: ([x], { size }) => adaptiveAvgPoolRef(x, size[0], size[1]),
  cases: [
    { shapes: [[2, 3, 13, 13]], attrs: { size: [6, 6] }, label: 'overlapping windows 13→6' },
    { shapes: [[2, 3, 6, 6]], attrs: { size: [6, 6] }, label: 'identity' },
    { shapes: [[1, 2, 7, 5]], attrs: { size: [3, 4] } },
    { shapes: [[1, 2, 3, 2]], attrs: { size: [5, 4] }, label: 'edge: upsampling' },
    { shapes: [[2, 4, 9, 9]], attrs: { size: [1, 1] }, label: 'global' },
  ],
  gradCases: [
    { shapes: [[1, 2, 7, 5]], attrs: { size: [3, 4] } },
    { shapes: [[1, 1, 3, 2]], attrs: { size: [5, 4] }, label: 'upsampling' },
  ],
});

export const maxPool2d = (x: Tensor, attrs: MaxPool2dAttrs) => apply(maxPool2dOp, [x], attrs);
export const adaptiveAvgPool2d = (x: Tensor, size: [number, number]) => apply(adaptiveAvgPool2dOp, [x], { size });
