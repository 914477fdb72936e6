/** Launchers for batchnorm.wgsl. No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { grid1d, vec4Entry } from './grid.js';
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
const uniforms = ([n, c, hw]: number[], o: Opts) => ({ n, c, hw, update: Boolean(o.update), momentum: o.momentum ?? 0, eps: o.eps, training: Boolean(o.training) });

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
    { uniforms: uniforms(d, { momentum, eps, update: Boolean(running) }), bindings: { x, meanOut: mean, varOut: variance, runMean: rm, runVar: rv }, workgroups },
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
  const { entry, workgroups, vec4 } = vec4Entry('bn_apply', x.size);
  const io: Record<string, Tensor> = vec4 ? { xv: x, yv: y } : { x, y };
  engine().dispatch(
    { family: BATCHNORM, entry },
    { uniforms: uniforms(d, { eps }), bindings: { ...io, meanA: mean, varA: variance, gammaA: gamma, betaA: beta }, workgroups },
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
      uniforms: uniforms(d, { eps, training }),
      bindings: { g: grad, xB: x, meanB: mean, varB: variance, gammaB: gamma, dgammaOut: dgamma, dbetaOut: dbeta, coefOut: coef },
      workgroups,
    },
  );
  const dx = Tensor.empty(x.shape);
  const grid = vec4Entry('bn_bwd_apply', x.size);
  const io: Record<string, Tensor> = grid.vec4 ? { gv4: grad, xBv: x, dxv: dx } : { g: grad, xB: x, dx };
  engine().dispatch(
    { family: BATCHNORM, entry: grid.entry },
    { uniforms: uniforms(d, { eps }), bindings: { ...io, coef }, workgroups: grid.workgroups },
  );
  coef.dispose();
  return { dx, dgamma, dbeta };
}
