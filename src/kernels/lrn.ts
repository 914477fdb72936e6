/** Launchers for lrn.wgsl (cross-channel local response normalisation, PyTorch convention). */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const LRN = kernelFamily('lrn');

export interface LrnParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

function dims(x: { shape: readonly number[] }): [number, number, number] {
  if (x.shape.length < 2) throw new Error(`lrn: expected [N, C, ...], got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  return [n, c, x.shape.slice(2).reduce((a, b) => a * b, 1)];
}

const uniforms = (n: number, c: number, hw: number, a: LrnParams) => ({ n, c, hw, size: a.size, alpha: a.alpha / a.size, beta: a.beta, k: a.k });

export function lrnForward(x: Tensor, a: LrnParams): Tensor {
  const [n, c, hw] = dims(x);
  if (!(a.size >= 1)) throw new Error(`lrn: size must be ≥ 1, got ${a.size}`);
  const out = Tensor.empty(x.shape);
  engine().dispatch(
    { family: LRN, entry: 'lrn_fwd', constants: { BETA_075: a.beta === 0.75 } },
    { uniforms: uniforms(n, c, hw, a), bindings: { x, y: out }, workgroups: grid1d(n * hw, 64) },
  );
  return out;
}

/** Recomputes the window sums from x (nothing is saved by the forward). */
export function lrnBackward(x: Tensor, grad: Tensor, a: LrnParams): Tensor {
  const [n, c, hw] = dims(x);
  const dx = Tensor.empty(x.shape);
  engine().dispatch(
    { family: LRN, entry: a.size <= 15 ? 'lrn_bwd_ring' : 'lrn_bwd', constants: { BETA_075: a.beta === 0.75 } },
    { uniforms: uniforms(n, c, hw, a), bindings: { x, g: grad, dx }, workgroups: grid1d(n * hw, 64) },
  );
  return dx;
}
