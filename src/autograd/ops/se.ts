/**
 * Squeeze-and-excitation pieces: globalAvgPool [N, C, H, W] → [N, C] and channelScale x · s[N, C].
 * The excitation FCs use `linear`, `relu` and `sigmoid`.
 */
import type { Tensor } from '../../engine/tensor.js';
import { channelScaleKernel, globalAvgPoolBackward, globalAvgPoolForward, planeDot } from '../../kernels/se.js';
import { channelScaleRef, globalAvgPoolRef } from '../../reference/se.js';
import { apply, defineOp } from '../op.js';

export const globalAvgPoolOp = defineOp({
  name: 'globalAvgPool',
  forward: ([x]) => ({ out: globalAvgPoolForward(x) }),
  backward: ({ inputs: [x], grad }) => [globalAvgPoolBackward(grad, x.shape)],
  reference: ([x]) => globalAvgPoolRef(x),
  cases: [
    { shapes: [[2, 3, 5, 5]], attrs: {} },
    { shapes: [[3, 4, 13, 13]], attrs: {}, label: 'AlexNet 13×13' },
    { shapes: [[1, 2, 1, 1]], attrs: {}, label: 'edge: 1×1 planes' },
    { shapes: [[2, 3, 3, 7]], attrs: {}, label: 'plane not a multiple of 4' },
  ],
  gradCases: [{ shapes: [[2, 3, 3, 3]], attrs: {} }, { shapes: [[2, 2, 3, 5]], attrs: {}, label: 'vec4 layout, odd planes' }],
});

export const channelScaleOp = defineOp({
  name: 'channelScale',
  forward: ([x, s]) => ({ out: channelScaleKernel(x, s) }),
  backward: ({ inputs: [x, s], grad }) => [channelScaleKernel(grad, s), planeDot(grad, x, s.shape)],
  reference: ([x, s]) => channelScaleRef(x, s),
  cases: [
    { shapes: [[2, 3, 5, 5], [2, 3]], attrs: {} },
    { shapes: [[3, 16, 13, 13], [3, 16]], attrs: {}, label: 'AlexNet 13×13' },
    { shapes: [[1, 1, 1, 1], [1, 1]], attrs: {}, label: 'edge: one element' },
    { shapes: [[2, 3, 3, 7], [2, 3]], attrs: {}, label: 'odd planes' },
    { shapes: [[4, 3, 1, 1], [4, 3]], attrs: {}, label: 'vec4 layout, 1×1 planes' },
  ],
  gradCases: [
    { shapes: [[2, 3, 3, 3], [2, 3]], attrs: {} },
    { shapes: [[1, 2, 3, 5], [1, 2]], attrs: {}, label: 'odd planes' },
    { shapes: [[2, 2, 3, 3], [2, 2]], attrs: {}, label: 'vec4 layout, vec4s straddling planes' },
  ],
});

export const globalAvgPool = (x: Tensor) => apply(globalAvgPoolOp, [x], {});
export const channelScale = (x: Tensor, s: Tensor) => apply(channelScaleOp, [x, s], {});
