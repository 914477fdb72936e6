/** Element-wise ops and reductions with their gradients. */
import type { Tensor } from '../../engine/tensor.js';
import { shapeStr } from '../../engine/tensor.js';
import { binaryKernel, unaryKernel } from '../../kernels/elementwise.js';
import { expandMiddle } from '../../kernels/broadcast.js';
import { sumMiddle } from '../../kernels/reduce.js';
import { apply, defineOp } from '../op.js';
import { affineRef, expRef, logRef, reduceSumRef, reluRef, sigmoidRef, zipRef } from '../../reference/elementwise.js';

const same = (name: string, a: Tensor, b: Tensor) => {
  if (a.shape.join() !== b.shape.join()) throw new Error(`${name}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ`);
};
const elementCases = [
  { shapes: [[3, 5], [3, 5]], attrs: {} },
  { shapes: [[1], [1]], attrs: {}, label: 'edge: one element' },
  { shapes: [[2, 3, 7, 9], [2, 3, 7, 9]], attrs: {}, label: 'odd sizes' },
  { shapes: [[70001], [70001]], attrs: {}, label: 'large, not a multiple of the workgroup' },
];
const unaryCases = elementCases.map((c) => ({ ...c, shapes: [c.shapes[0]] }));

export const addOp = defineOp({
  name: 'add',
  forward: ([a, b]) => (same('add', a, b), { out: binaryKernel('add', a, b) }),
  backward: ({ grad }) => [grad, grad],
  reference: ([a, b]) => zipRef(a, b, (x, y) => x + y),
  cases: elementCases,
});

export const subOp = defineOp({
  name: 'sub',
  forward: ([a, b]) => (same('sub', a, b), { out: binaryKernel('sub', a, b) }),
  backward: ({ grad }) => [grad, unaryKernel('affine', grad, grad.shape, -1, 0)],
  reference: ([a, b]) => zipRef(a, b, (x, y) => x - y),
  cases: elementCases,
});

export const mulOp = defineOp({
  name: 'mul',
  forward: ([a, b]) => (same('mul', a, b), { out: binaryKernel('mul', a, b) }),
  backward: ({ inputs: [a, b], grad }) => [binaryKernel('mul', grad, b), binaryKernel('mul', grad, a)],
  reference: ([a, b]) => zipRef(a, b, (x, y) => x * y),
  cases: elementCases,
});

export const reluOp = defineOp({
  name: 'relu',
  forward: ([x]) => ({ out: unaryKernel('relu', x, x.shape) }),
  backward: ({ out, grad }) => [binaryKernel('reluBackward', out, grad)],
  reference: ([x]) => reluRef(x),
  cases: unaryCases,
});

export const sigmoidOp = defineOp({
  name: 'sigmoid',
  forward: ([x]) => ({ out: unaryKernel('sigmoid', x, x.shape) }),
  backward: ({ out, grad }) => [binaryKernel('sigmoidBackward', out, grad)],
  reference: ([x]) => sigmoidRef(x),
  cases: unaryCases,
});

export const expOp = defineOp({
  name: 'exp',
  forward: ([x]) => ({ out: unaryKernel('exp', x, x.shape) }),
  backward: ({ out, grad }) => [binaryKernel('mul', out, grad)],
  reference: ([x]) => expRef(x),
  cases: unaryCases,
});

const positive = (shapes: number[][]) => (rand: () => number) => shapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 0.2 + 2 * rand()));
export const logOp = defineOp({
  name: 'log',
  forward: ([x]) => ({ out: unaryKernel('log', x, x.shape) }),
  backward: ({ inputs: [x], grad }) => [binaryKernel('div', grad, x)],
  reference: ([x]) => logRef(x),
  cases: unaryCases.map((c) => ({ ...c, inputs: positive(c.shapes) })),
});

export interface AffineAttrs { alpha: number; beta: number }
export const affineOp = defineOp<AffineAttrs>({
  name: 'affine',
  forward: ([x], { alpha, beta }) => ({ out: unaryKernel('affine', x, x.shape, alpha, beta) }),
  backward: ({ grad, attrs }) => [unaryKernel('affine', grad, grad.shape, attrs.alpha, 0)],
  reference: ([x], { alpha, beta }) => affineRef(x, alpha, beta),
  cases: unaryCases.map((c) => ({ ...c, attrs: { alpha: -1.5, beta: 0.25 } })),
});

/** Sum over all elements (mean when `mean`), as a 1-element tensor. */
export interface SumAttrs { mean: boolean }
export const sumOp = defineOp<SumAttrs>({
  name: 'sum',
  forward: ([x], { mean }) => ({ out: sumMiddle(x, 1, x.size, 1, [1], mean ? 1 / x.size : 1) }),
  backward: ({ inputs: [x], grad, attrs }) => [expandMiddle(grad, 1, x.size, 1, x.shape, attrs.mean ? 1 / x.size : 1)],
  reference: ([x], { mean }) => {
    const r = reduceSumRef(x, 1, x.data.length, 1, [1]);
    if (mean) r.data[0] /= x.data.length;
    return r;
  },
  cases: [
    { shapes: [[4, 5]], attrs: { mean: false } },
    { shapes: [[1]], attrs: { mean: true }, label: 'edge: one element' },
    { shapes: [[3, 1000, 7]], attrs: { mean: true } },
  ],
});

export const add = (a: Tensor, b: Tensor) => apply(addOp, [a, b], {});
export const sub = (a: Tensor, b: Tensor) => apply(subOp, [a, b], {});
export const mul = (a: Tensor, b: Tensor) => apply(mulOp, [a, b], {});
export const relu = (x: Tensor) => apply(reluOp, [x], {});
export const sigmoid = (x: Tensor) => apply(sigmoidOp, [x], {});
export const exp = (x: Tensor) => apply(expOp, [x], {});
export const log = (x: Tensor) => apply(logOp, [x], {});
export const scale = (x: Tensor, alpha: number, beta = 0) => apply(affineOp, [x], { alpha, beta });
export const sum = (x: Tensor) => apply(sumOp, [x], { mean: false });
export const mean = (x: Tensor) => apply(sumOp, [x], { mean: true });
