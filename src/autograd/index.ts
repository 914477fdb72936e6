/** Differentiable ops (each defined once in the op table) and backward. */
export * from './ops/elementwise.js';
export * from './ops/linear-algebra.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/normalization.js';
export * from './ops/se.js';
export * from './ops/dropout.js';
export * from './ops/loss.js';
export * from './ops/shape.js';
export { backward } from './backward.js';
export { noGrad } from '../graph/grad-mode.js';
export { opTable, apply, defineOp, type OpSpec } from './op.js';
