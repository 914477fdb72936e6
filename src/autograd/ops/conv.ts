/** 2-D convolution (NCHW, weights [Cout, Cin, KH, KW], optional bias) with its gradients. */
import type { Tensor } from '../../engine/tensor.js';
import { conv2dBackwardData, conv2dBackwardWeights, conv2dBiasGrad, conv2dForwardKeepingPadded, type Conv2dGeometry } from '../../kernels/conv2d.js';
import { apply, defineOp } from '../op.js';
import { conv2dRef } from '../../reference/conv2d.js';

export type Conv2dAttrs = Conv2dGeometry;

const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);

export const conv2dOp = defineOp<Conv2dAttrs>({
  name: 'conv2d',
  // The zero-padded input the forward made is kept for the weight gradient (not padded a second time).
  forward: ([x, w, b], attrs) => {
    const { y, padded } = conv2dForwardKeepingPadded(x, w, b, attrs);
    return { out: y, saved: padded ? [padded] : [] };
  },
  backward: ({ inputs: [x, w, b], saved: [padded], grad, attrs }) => [
    x.requiresGrad ? conv2dBackwardData(grad, w, x.shape, attrs) : null,
    w.requiresGrad ? conv2dBackwardWeights(x, grad, w.shape, attrs, { padded }) : null,
    ...(b ? [b.requiresGrad ? conv2dBiasGrad(grad) : null] : []),
  ],
  reference: ([x, w, b], attrs) => conv2dRef(x, w, b, pair(attrs.stride, 1), pair(attrs.pad, 0)),
  cases: [
    { shapes: [[2, 6, 13, 11], [10, 6, 3, 3], [10]], attrs: { stride: 1, pad: 1 } },
    { shapes: [[1, 3, 15, 15], [5, 3, 11, 11], [5]], attrs: { stride: 4, pad: 2 }, label: 'edge: 11×11/4, small input, batch 1' },
    { shapes: [[2, 3, 9, 7], [5, 3, 5, 3], [5]], attrs: { stride: 2, pad: 3 }, label: 'padding larger than stride' },
    { shapes: [[3, 17, 6, 5], [9, 17, 1, 1]], attrs: {}, label: '1×1 kernel, no bias' },
    { shapes: [[1, 1, 1, 1], [1, 1, 1, 1], [1]], attrs: {}, label: 'edge: 1×1×1×1' },
    { shapes: [[2, 5, 12, 10], [37, 5, 3, 5], [37]], attrs: { stride: [2, 1], pad: [1, 2] }, label: 'rectangular kernel/stride/pad, Cout not divisible by tiles' },
    { shapes: [[2, 13, 17, 39], [12, 13, 11, 11], [12]], attrs: { stride: 4, pad: 2 }, label: '12 output channels (12-row blocks), 13 planes, non-square' },
  ],
  gradCases: [
    { shapes: [[2, 2, 5, 6], [3, 2, 3, 3], [3]], attrs: { stride: 2, pad: 1 } },
    { shapes: [[1, 2, 7, 7], [2, 2, 5, 5], [2]], attrs: { stride: 3, pad: 2 }, label: 'stride 3, pad 2' },
    { shapes: [[2, 3, 3, 4], [2, 3, 1, 1]], attrs: {}, label: '1×1 kernel, no bias' },
    { shapes: [[2, 12, 4, 5], [24, 12, 3, 3], [24]], attrs: { stride: 1, pad: 1 }, label: '12 input and 24 output channels (12-row blocks both ways)' },
  ],
  tolerance: { atol: 2e-4, rtol: 1e-4 },
});

/** conv2d(x [N, Cin, H, W], w [Cout, Cin, KH, KW], b [Cout] | undefined, {stride, pad}). */
export const conv2d = (x: Tensor, w: Tensor, b: Tensor | undefined, attrs: Conv2dAttrs = {}) => apply(conv2dOp, b ? [x, w, b] : [x, w], attrs);
