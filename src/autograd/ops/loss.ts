/** Softmax (for probabilities) and softmax cross-entropy (the classification loss). */
import type { Tensor } from '../../engine/tensor.js';
import { crossEntropyBackward, crossEntropyForward, softmaxBackward, softmaxForward } from '../../kernels/softmax.js';
import { sumMiddle } from '../../kernels/reduce.js';
import { softmaxCrossEntropyRef, softmaxRef } from '../../reference/softmax.js';
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
