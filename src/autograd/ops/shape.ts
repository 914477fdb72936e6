/** Shape ops: views over the same storage (no copy); the gradient is the incoming gradient re-viewed. */
import type { Tensor } from '../../engine/tensor.js';
import { apply, defineOp } from '../op.js';

export interface ReshapeAttrs {
  /** Target shape; one entry may be −1 (inferred). */
  shape: number[];
}

const resolve = (shape: readonly number[], target: readonly number[]) => {
  const size = shape.reduce((a, b) => a * b, 1);
  const known = target.reduce((a, b) => (b === -1 ? a : a * b), 1);
  return target.map((d) => (d === -1 ? (known ? size / known : 0) : d));
};

export const reshapeOp = defineOp<ReshapeAttrs>({
  name: 'reshape',
  forward: ([x], { shape }) => ({ out: x.reshape(shape) }),
  backward: ({ inputs: [x], grad }) => [grad.reshape(x.shape)],
  reference: ([x], { shape }) => ({ data: Float64Array.from(x.data), shape: resolve(x.shape, shape) }),
  cases: [
    { shapes: [[2, 3, 4]], attrs: { shape: [6, 4] } },
    { shapes: [[2, 3, 4]], attrs: { shape: [-1, 2] }, label: 'inferred axis' },
    { shapes: [[1]], attrs: { shape: [1, 1, 1] }, label: 'edge: one element' },
  ],
  gradCases: [{ shapes: [[2, 3, 2]], attrs: { shape: [3, 4] } }],
});

/** [N, ...] → [N, rest]. */
export const flattenOp = defineOp({
  name: 'flatten',
  forward: ([x]) => ({ out: x.reshape([x.shape[0], -1]) }),
  backward: ({ inputs: [x], grad }) => [grad.reshape(x.shape)],
  reference: ([x]) => ({ data: Float64Array.from(x.data), shape: [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)] }),
  cases: [
    { shapes: [[2, 4, 3, 3]], attrs: {} },
    { shapes: [[3, 5]], attrs: {}, label: 'already flat' },
    { shapes: [[1, 256, 6, 6]], attrs: {}, label: 'AlexNet classifier input' },
  ],
  gradCases: [{ shapes: [[2, 2, 2, 3]], attrs: {} }],
});

export const reshape = (x: Tensor, shape: number[]) => apply(reshapeOp, [x], { shape });
export const flatten = (x: Tensor) => apply(flattenOp, [x], {});
