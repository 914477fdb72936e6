/**
 * `ecgpu/testing`: the checks the project runs on its own op table, for ops of one's own.
 *
 *   import { defineOp, engine, Tensor } from 'ecgpu';
 *   import { checkOp, formatResults, host, wgslKernel } from 'ecgpu/testing';
 *
 * `checkOp(op)` runs an op's forward on each of its cases against its float64 reference (FORWARD_TOL
 * unless the op states its own `tolerance`) and its backward against central finite differences of the
 * reference (GRAD_TOL unless `gradTolerance`), exactly as the op-table test does. `wgslKernel` makes a
 * kernel family from WGSL source for the engine's dispatch. docs/testing-kit.md walks through an example.
 */
export {
  FORWARD_TOL, GRAD_TOL, MAX_CHECKED_PER_INPUT,
  checkForward, checkGradient, checkOp, runOpTable, compare, formatResults, caseLabel, gradCasesOf, makeInputs,
  type ForwardCheck, type GradInputCheck, type CaseResult, type OpCheckReport, type OpTableSummary,
} from './op-check.js';
export { wgslKernel } from './wgsl-kernel.js';
export { host, zerosHost, mapHost, type HostTensor } from '../reference/host-tensor.js';
export type { OpSpec, OpCase, BackwardArgs, ForwardResult } from '../autograd/op.js';
export type { KernelFamily, KernelRef } from '../engine/pipelines.js';
export type { DispatchArgs } from '../engine/engine.js';
