/** Launchers for batchnorm.wgsl. No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { params } from '../engine/uniforms.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const BATCHNORM = kernelFamily('batchnorm');

/** Channels with fewer elements than this use one invocation per channel instead of a workgroup. */
const ROWS_BELOW = 256;

export function bnDims(x: { shape: readonly number[] }): [number, number, number] {
  if (x.shape.length < 2) throw new Error(`batchNorm: expected [N, C, ...], got ${shapeStr(x.shape)}`);
  return [x.shape[0], x.shape[1], x.shape.slice(2).reduce((a, b) => a * b, 1)];
}

interface Opts {
  momentum?: number;
  eps: number;
  training?: boolean;
  update?: boolean;
}
const uniform = ([n, c, hw]: number[], o: Opts) =>
  params().u32(n, c, hw, o.update ? 1 : 0).f32(o.momentum ?? 0, o.eps).u32(o.training ? 1 : 0, 0).bytes();

/** Element-wise entries: one vec4 per invocation when the size allows (~2× faster on SwiftShader), else scalar. */
function elementwise(entry: string, size: number): { entry: string; workgroups: [number, number] } {
  return size % 4 === 0 ? { entry: `${entry}4`, workgroups: grid1d(size / 4, 64) } : { entry, workgroups: grid1d(Math.ceil(size / 4), 64) };
}

/** Per-channel reductions: a workgroup per channel, or an invocation per channel for small channels. */
function reduceGrid(n: number, c: number, hw: number): { suffix: string; workgroups: [number, number] } {
  const rows = n * hw < ROWS_BELOW;
  return { suffix: rows ? '_rows' : '', workgroups: grid1d(rows ? c : c * 64, 64) };
}

/**
 * Batch mean and biased variance per channel. With `running`, also updates the running statistics in
 * place (momentum, unbiased variance), on the GPU.
 */
export function bnStats(x: Tensor, running: { mean: Tensor; var: Tensor } | null, momentum: number, eps: number): { mean: Tensor; var: Tensor } {
  const d = bnDims(x);
  const [n, c, hw] = d;
  const mean = Tensor.empty([c]);
  const variance = Tensor.empty([c]);
  const rm = running?.mean ?? Tensor.empty([c]);
  const rv = running?.var ?? Tensor.empty([c]);
  if (running && (rm.size !== c || rv.size !== c)) throw new Error(`batchNorm: running statistics must have ${c} values`);
  const { suffix, workgroups } = reduceGrid(n, c, hw);
  engine().dispatch(
    { family: BATCHNORM, entry: `bn_stats${suffix}` },
    { uniform: uniform(d, { momentum, eps, update: Boolean(running) }), reads: [x.buffer], writes: [mean.buffer, variance.buffer, rm.buffer, rv.buffer], workgroups },
  );
  if (!running) {
    rm.dispose();
    rv.dispose();
  }
  return { mean, var: variance };
}

export function bnApply(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const d = bnDims(x);
  if (gamma.size !== d[1] || beta.size !== d[1]) throw new Error(`batchNorm: gamma and beta must have ${d[1]} values`);
  const y = Tensor.empty(x.shape);
  const { entry, workgroups } = elementwise('bn_apply', x.size);
  engine().dispatch(
    { family: BATCHNORM, entry },
    { uniform: uniform(d, { eps }), reads: [x.buffer, mean.buffer, variance.buffer, gamma.buffer, beta.buffer], writes: [y.buffer], workgroups },
  );
  return y;
}

/** Gradients to x, gamma, beta. `training`: mean/var are the batch statistics (full formula). */
export function bnBackward(grad: Tensor, x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, eps: number, training: boolean): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const d = bnDims(x);
  const [n, c, hw] = d;
  const dgamma = Tensor.empty(gamma.shape);
  const dbeta = Tensor.empty(gamma.shape);
  const coef = Tensor.empty([3, c]);
  const { suffix, workgroups } = reduceGrid(n, c, hw);
  engine().dispatch(
    { family: BATCHNORM, entry: `bn_bwd_reduce${suffix}` },
    {
      uniform: uniform(d, { eps, training }),
      reads: [grad.buffer, x.buffer, mean.buffer, variance.buffer, gamma.buffer],
      writes: [dgamma.buffer, dbeta.buffer, coef.buffer],
      workgroups,
    },
  );
  const dx = Tensor.empty(x.shape);
  const grid = elementwise('bn_bwd_apply', x.size);
  engine().dispatch(
    { family: BATCHNORM, entry: grid.entry },
    { uniform: uniform(d, { eps }), reads: [grad.buffer, x.buffer, coef.buffer], writes: [dx.buffer], workgroups: grid.workgroups },
  );
  coef.dispose();
  return { dx, dgamma, dbeta };
}
