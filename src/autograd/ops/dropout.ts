/** Inverted dropout with a seeded counter-based mask (same seed → same mask on any adapter). */
import type { Tensor } from '../../engine/tensor.js';
import { dropoutKernel } from '../../kernels/dropout.js';
import { dropoutRef } from '../../reference/dropout.js';
import { apply, defineOp } from '../op.js';

export interface DropoutAttrs {
  /** Probability of dropping an element. */
  p: number;
  /** u32 seed: the mask is a function of (seed, element index) only. */
  seed: number;
  training: boolean;
}

const active = (a: DropoutAttrs) => a.training && a.p > 0;

export const dropoutOp = defineOp<DropoutAttrs>({
  name: 'dropout',
  // Identity (eval, p = 0) returns a view, so the output is a distinct tensor for the graph.
  forward: ([x], a) => ({ out: active(a) ? dropoutKernel(x, a.p, a.seed) : x.reshape(x.shape) }),
  backward: ({ grad, attrs: a }) => [active(a) ? dropoutKernel(grad, a.p, a.seed) : grad],
  reference: ([x], a) => dropoutRef(x, a),
  cases: [
    { shapes: [[4, 100]], attrs: { p: 0.5, seed: 1, training: true } },
    { shapes: [[3, 7, 11]], attrs: { p: 0.2, seed: 0xdeadbeef, training: true }, label: 'odd size, big seed' },
    { shapes: [[70001]], attrs: { p: 0.5, seed: 42, training: true }, label: 'large' },
    { shapes: [[5, 5]], attrs: { p: 0.5, seed: 3, training: false }, label: 'eval: identity' },
    { shapes: [[5, 5]], attrs: { p: 0, seed: 3, training: true }, label: 'p = 0: identity' },
    { shapes: [[5, 5]], attrs: { p: 1, seed: 3, training: true }, label: 'edge: p = 1 drops all' },
  ],
  gradCases: [
    { shapes: [[3, 8]], attrs: { p: 0.5, seed: 7, training: true } },
    { shapes: [[2, 5]], attrs: { p: 0.5, seed: 7, training: false }, label: 'eval' },
  ],
});

export const dropout = (x: Tensor, attrs: DropoutAttrs) => apply(dropoutOp, [x], attrs);
