/** Launchers for se.wgsl (global average pooling, per-channel scaling). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { grid1d, vec4Entry } from './grid.js';
import { kernelFamily } from './sources.js';

const SE = kernelFamily('se');

function planes(x: { shape: readonly number[] }, name: string): [number, number] {
  if (x.shape.length < 2) throw new Error(`${name}: expected [N, C, ...], got ${shapeStr(x.shape)}`);
  return [x.shape[0] * x.shape[1], x.shape.slice(2).reduce((a, b) => a * b, 1)];
}
const uniforms = (planes: number, hw: number, scale = 1) => ({ planes, hw, scale });

/** [N, C, ...] → [N, C] means. */
export function globalAvgPoolForward(x: Tensor): Tensor {
  const [pl, hw] = planes(x, 'globalAvgPool');
  const out = Tensor.empty([x.shape[0], x.shape[1]]);
  engine().dispatch({ family: SE, entry: 'global_avg' }, { uniforms: uniforms(pl, hw, 1 / hw), bindings: { a: x, out1: out }, workgroups: grid1d(pl, 64) });
  return out;
}

export function globalAvgPoolBackward(grad: Tensor, inputShape: readonly number[]): Tensor {
  const [pl, hw] = planes({ shape: inputShape }, 'globalAvgPool');
  const dx = Tensor.empty(inputShape);
  const { entry, workgroups, vec4 } = vec4Entry('expand_plane', dx.size);
  engine().dispatch({ family: SE, entry }, { uniforms: uniforms(pl, hw, 1 / hw), bindings: vec4 ? { a: grad, out1v: dx } : { a: grad, out1: dx }, workgroups });
  return dx;
}

/** x[N, C, ...] · s[N, C] (s broadcast over each plane). */
export function channelScaleKernel(x: Tensor, s: Tensor): Tensor {
  const [pl, hw] = planes(x, 'channelScale');
  if (s.size !== pl) throw new Error(`channelScale: scales ${shapeStr(s.shape)} do not match [N, C] of ${shapeStr(x.shape)}`);
  const out = Tensor.empty(x.shape);
  const { entry, workgroups, vec4 } = vec4Entry('channel_scale', x.size);
  engine().dispatch({ family: SE, entry }, { uniforms: uniforms(pl, hw), bindings: vec4 ? { av: x, b: s, out2v: out } : { a: x, b: s, out2: out }, workgroups });
  return out;
}

/** Σ over each plane of a · b: [N, C, ...] × 2 → shaped `outShape` (N·C values). */
export function planeDot(a: Tensor, b: Tensor, outShape: readonly number[]): Tensor {
  const [pl, hw] = planes(a, 'planeDot');
  const out = Tensor.empty(outShape);
  engine().dispatch({ family: SE, entry: 'plane_dot' }, { uniforms: uniforms(pl, hw), bindings: { a, b, out2: out }, workgroups: grid1d(pl, 64) });
  return out;
}
