/** Matrix products with their gradients: matmul (any transposes) and linear (y = x·wᵀ + b). */
import type { Tensor } from '../../engine/tensor.js';
import { shapeStr } from '../../engine/tensor.js';
import { gemm } from '../../kernels/gemm.js';
import { sumMiddle } from '../../kernels/reduce.js';
import { apply, defineOp } from '../op.js';
import { matmulRef } from '../../reference/gemm.js';

export interface MatmulAttrs { transA?: boolean; transB?: boolean }

const rank2 = (name: string, ...ts: Tensor[]) => {
  for (const t of ts) if (t.rank !== 2) throw new Error(`${name}: expected a matrix, got ${shapeStr(t.shape)}`);
};

export const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], { transA = false, transB = false }) => (rank2('matmul', a, b), { out: gemm(a, b, { transA, transB }) }),
  backward: ({ inputs: [a, b], grad, attrs: { transA = false, transB = false } }) => [
    !a.requiresGrad ? null : transA ? gemm(b, grad, { transA: transB, transB: true }) : gemm(grad, b, { transB: !transB }),
    !b.requiresGrad ? null : transB ? gemm(grad, a, { transA: true, transB: transA }) : gemm(a, grad, { transA: !transA }),
  ],
  reference: ([a, b], { transA = false, transB = false }) => matmulRef(a, b, transA, transB),
  cases: [
    { shapes: [[13, 7], [7, 9]], attrs: {} },
    { shapes: [[7, 13], [7, 9]], attrs: { transA: true }, label: 'transA' },
    { shapes: [[13, 7], [9, 7]], attrs: { transB: true }, label: 'transB' },
    { shapes: [[7, 13], [9, 7]], attrs: { transA: true, transB: true }, label: 'transA transB' },
    { shapes: [[1, 1], [1, 1]], attrs: {}, label: 'edge: 1×1×1' },
    { shapes: [[1, 130], [130, 3]], attrs: {}, label: 'edge: one row, K not a multiple of 4' },
    { shapes: [[67, 45], [45, 33]], attrs: {}, label: 'not divisible by tiles' },
    { shapes: [[64, 128], [128, 96]], attrs: {}, label: 'divisible by tiles' },
  ],
  gradCases: [
    { shapes: [[5, 6], [6, 7]], attrs: {} },
    { shapes: [[6, 5], [6, 7]], attrs: { transA: true } },
    { shapes: [[5, 6], [7, 6]], attrs: { transB: true } },
    { shapes: [[6, 5], [7, 6]], attrs: { transA: true, transB: true } },
  ],
  tolerance: { atol: 2e-4, rtol: 1e-4 },
});

/** y = x·wᵀ (+ b): x [N, in], w [out, in], b [out]. */
export const linearOp = defineOp<Record<string, never>>({
  name: 'linear',
  forward: ([x, w, b]) => {
    rank2('linear', x, w);
    if (b && b.size !== w.shape[0]) throw new Error(`linear: bias ${shapeStr(b.shape)} does not match w ${shapeStr(w.shape)}`);
    return { out: gemm(x, w, { transB: true, bias: b }) };
  },
  backward: ({ inputs: [x, w, b], grad }) => [
    x.requiresGrad ? gemm(grad, w) : null,
    w.requiresGrad ? gemm(grad, x, { transA: true }) : null,
    ...(b ? [b.requiresGrad ? sumMiddle(grad, 1, grad.shape[0], grad.shape[1], b.shape) : null] : []),
  ],
  reference: ([x, w, b]) => matmulRef(x, w, false, true, b),
  cases: [
    { shapes: [[4, 10], [6, 10], [6]], attrs: {} },
    { shapes: [[1, 9], [3, 9], [3]], attrs: {}, label: 'edge: batch 1, odd sizes' },
    { shapes: [[16, 257], [37, 257], [37]], attrs: {}, label: 'not divisible by tiles' },
    { shapes: [[5, 8], [7, 8]], attrs: {}, label: 'no bias' },
  ],
  gradCases: [{ shapes: [[3, 5], [4, 5], [4]], attrs: {} }],
  tolerance: { atol: 2e-4, rtol: 1e-4 },
});

export const matmul = (a: Tensor, b: Tensor, attrs: MatmulAttrs = {}) => apply(matmulOp, [a, b], attrs);
export const linear = (x: Tensor, w: Tensor, b?: Tensor) => apply(linearOp, b ? [x, w, b] : [x, w], {});
