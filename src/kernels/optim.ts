/**
 * Launchers for the in-place optimiser updates (optim.wgsl). They record into the current command
 * encoder and return nothing: the parameter and state tensors are updated where they are.
 */
import { engine } from '../engine/engine.js';
import { shapeStr, type Tensor } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const OPTIM = kernelFamily('optim');

/** Elements per invocation: the kernels work on vec4s (see optim.wgsl on the padding lanes). */
const PER_THREAD = 4;
const WG = 64;

function check(name: string, param: Tensor, others: Tensor[]): void {
  for (const t of others) {
    if (t.size !== param.size) throw new Error(`${name}: ${t} has ${t.size} values, parameter ${shapeStr(param.shape)} has ${param.size}`);
  }
}

export interface SgdKernelArgs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** True on the first step with this momentum buffer (it is initialised to the gradient). */
  first: boolean;
}

/** SGD update of `param` in place; `velocity` is required when momentum ≠ 0. */
export function sgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, a: SgdKernelArgs): void {
  check('sgd', param, velocity ? [grad, velocity] : [grad]);
  const n = param.size;
  const uniforms = { n: Math.ceil(n / PER_THREAD), lr: a.lr, momentum: a.momentum, dampening: a.dampening, weight_decay: a.weightDecay, nesterov: a.nesterov, first: a.first };
  engine().dispatch(
    { family: OPTIM, entry: velocity ? 'sgd_momentum' : 'sgd_plain' },
    {
      uniforms,
      bindings: velocity ? { grad, param, state1: velocity } : { grad, param },
      workgroups: grid1d(Math.ceil(n / PER_THREAD), WG),
    },
  );
}

export interface AdamKernelArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
  /** AdamW: decoupled weight decay. */
  decoupled: boolean;
}

/** Adam/AdamW update of `param`, `m` and `v` in place. */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, a: AdamKernelArgs): void {
  check('adam', param, [grad, m, v]);
  const n = param.size;
  const uniforms = {
    n: Math.ceil(n / PER_THREAD),
    lr: a.lr, beta1: a.beta1, beta2: a.beta2, eps: a.eps, weight_decay: a.weightDecay,
    bc1: 1 - a.beta1 ** a.step, bc2: 1 - a.beta2 ** a.step,
    decoupled: a.decoupled,
  };
  engine().dispatch(
    { family: OPTIM, entry: 'adam' },
    {
      uniforms,
      bindings: { grad, param, state1: m, state2: v },
      workgroups: grid1d(Math.ceil(n / PER_THREAD), WG),
    },
  );
}
