/** Softmax (for probabilities), softmax cross-entropy (the single-label loss) and sigmoid binary cross-entropy (the multi-label loss). */
import type { Tensor } from '../../engine/tensor.js';
import { bceBackward, bceForward } from '../../kernels/bce.js';
import { crossEntropyBackward, crossEntropyForward, softmaxBackward, softmaxForward } from '../../kernels/softmax.js';
import { sumMiddle } from '../../kernels/reduce.js';
import { sigmoidBinaryCrossEntropyRef, softmaxCrossEntropyRef, softmaxRef } from '../../reference/softmax.js';
import { apply, defineOp } from '../op.js';

export const softmaxOp = defineOp({
  name: 'softmax',
  forward: ([x]) => ({ out: softmaxForward(x) }),
  backward: ({ out, grad }) => [softmaxBackward(out, grad)],
  reference: ([x]) => softmaxRef(x),
  cases: [
    { shapes: [[4, 9]], attrs: {} },
    { shapes: [[1, 1]], attrs: {}, label: 'edge: one class' },
    { shapes: [[2, 3, 5]], attrs: {}, label: 'rank 3' },
    { shapes: [[3, 4]], attrs: {}, label: 'large logits (stability)', inputs: () => [[1000, 1001, 999, 1000, -1000, -1001, -999, -1000, 80, 90, 100, 110]] },
    { shapes: [[200, 27]], attrs: {} },
  ],
  gradCases: [{ shapes: [[3, 5]], attrs: {} }],
});

export interface CrossEntropyAttrs {
  reduction: 'mean' | 'sum' | 'none';
}

/** Logits in [−2, 2) and valid labels (the second input is an i32 tensor in the op-table test). */
const ceInputs = (n: number, k: number, spread = 2) => (rand: () => number) => [
  Array.from({ length: n * k }, () => spread * (2 * rand() - 1)),
  Array.from({ length: n }, () => Math.floor(rand() * k)),
];
const ce = (n: number, k: number, reduction: CrossEntropyAttrs['reduction'], label?: string, spread?: number) =>
  ({ shapes: [[n, k], [n]], attrs: { reduction }, label, inputs: ceInputs(n, k, spread) });

export const softmaxCrossEntropyOp = defineOp<CrossEntropyAttrs>({
  name: 'softmaxCrossEntropy',
  differentiable: [true, false],
  forward: ([logits, labels], { reduction }) => {
    const { probs, losses } = crossEntropyForward(logits, labels);
    if (reduction === 'none') return { out: losses, saved: [probs] };
    const n = logits.shape[0];
    const out = sumMiddle(losses, 1, n, 1, [1], reduction === 'mean' ? 1 / Math.max(1, n) : 1);
    losses.dispose();
    return { out, saved: [probs] };
  },
  backward: ({ inputs: [logits, labels], saved: [probs], grad, attrs: { reduction } }) => [
    crossEntropyBackward(probs, labels, grad, reduction === 'mean' ? 1 / Math.max(1, logits.shape[0]) : 1, reduction === 'none'),
    null,
  ],
  reference: ([logits, labels], { reduction }) => softmaxCrossEntropyRef(logits, labels, reduction),
  cases: [
    ce(16, 9, 'mean', 'batch 16, 9 classes'),
    ce(5, 27, 'sum'),
    ce(7, 4, 'none'),
    ce(1, 1, 'mean', 'edge: one class'),
    ce(3, 5, 'mean', 'large logits (stability)', 500),
    ce(300, 9, 'mean', 'many rows'),
  ],
  gradCases: [ce(4, 5, 'mean'), ce(3, 4, 'none'), ce(2, 3, 'sum')],
});

/** Softmax over the last axis. */
export const softmax = (x: Tensor) => apply(softmaxOp, [x], {});
/** Mean (default) cross-entropy of softmax(logits [N, K]) against i32 labels [N]; scalar [1] unless reduction 'none'. */
export const softmaxCrossEntropy = (logits: Tensor, labels: Tensor, attrs: CrossEntropyAttrs = { reduction: 'mean' }) =>
  apply(softmaxCrossEntropyOp, [logits, labels], attrs);

/** Logits in [−spread, spread) and targets: 0/1 labels, or soft targets in [0, 1]. */
const bceInputs = (n: number, k: number, spread: number, soft: boolean) => (rand: () => number) => [
  Array.from({ length: n * k }, () => spread * (2 * rand() - 1)),
  Array.from({ length: n * k }, () => (soft ? rand() : rand() < 0.3 ? 1 : 0)),
];
const bce = (n: number, k: number, reduction: CrossEntropyAttrs['reduction'], opts: { label?: string; spread?: number; soft?: boolean } = {}) =>
  ({ shapes: [[n, k], [n, k]], attrs: { reduction }, label: opts.label, inputs: bceInputs(n, k, opts.spread ?? 3, opts.soft ?? false) });

export const sigmoidBinaryCrossEntropyOp = defineOp<CrossEntropyAttrs>({
  name: 'sigmoidBinaryCrossEntropy',
  differentiable: [true, false],
  dtypes: ['f32', 'f32'],
  forward: ([logits, targets], { reduction }) => {
    const losses = bceForward(logits, targets);
    if (reduction === 'none') return { out: losses };
    const out = sumMiddle(losses, 1, losses.size, 1, [1], reduction === 'mean' ? 1 / Math.max(1, losses.size) : 1);
    losses.dispose();
    return { out };
  },
  backward: ({ inputs: [logits, targets], grad, attrs: { reduction } }) => [
    bceBackward(logits, targets, grad, reduction === 'mean' ? 1 / Math.max(1, logits.size) : 1, reduction === 'none'),
    null,
  ],
  reference: ([logits, targets], { reduction }) => sigmoidBinaryCrossEntropyRef(logits, targets, reduction),
  cases: [
    bce(16, 10, 'mean', { label: 'batch 16, 10 classes' }),
    bce(5, 7, 'sum', { soft: true, label: 'soft targets' }),
    bce(3, 4, 'none'),
    bce(1, 1, 'mean', { label: 'edge: one element' }),
    bce(4, 5, 'mean', { spread: 60, label: 'large logits (stability)' }),
    bce(300, 10, 'mean', { label: 'many rows' }),
  ],
  gradCases: [bce(4, 5, 'mean'), bce(3, 4, 'none', { soft: true }), bce(2, 3, 'sum')],
});

/**
 * Mean (default) sigmoid binary cross-entropy of logits [N, K] against f32 targets [N, K] in [0, 1]
 * (one independent yes/no per class: several findings at once, or none); scalar [1] unless 'none'.
 */
export const sigmoidBinaryCrossEntropy = (logits: Tensor, targets: Tensor, attrs: CrossEntropyAttrs = { reduction: 'mean' }) =>
  apply(sigmoidBinaryCrossEntropyOp, [logits, targets], attrs);
