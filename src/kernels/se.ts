/** Launchers for se.wgsl (global average pooling, per-channel scaling). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { params } from '../engine/uniforms.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const SE = kernelFamily('se');

function planes(x: { shape: readonly number[] }, name: string): [number, number] {
  if (x.shape.length < 2) throw new Error(`${name}: expected [N, C, ...], got ${shapeStr(x.shape)}`);
  return [x.shape[0] * x.shape[1], x.shape.slice(2).reduce((a, b) => a * b, 1)];
}
const uniform = (pl: number, hw: number, scale = 1) => params().u32(pl, hw).f32(scale).u32(0).bytes();

/** Element-wise entries: one vec4 per invocation when the size allows (~2× faster on SwiftShader), else scalar. */
function elementwise(entry: string, n: number): { entry: string; workgroups: [number, number] } {
  return n % 4 === 0 ? { entry: `${entry}4`, workgroups: grid1d(n / 4, 64) } : { entry, workgroups: grid1d(Math.ceil(n / 4), 64) };
}

/** [N, C, ...] → [N, C] means. */
export function globalAvgPoolForward(x: Tensor): Tensor {
  const [pl, hw] = planes(x, 'globalAvgPool');
  const out = Tensor.empty([x.shape[0], x.shape[1]]);
  engine().dispatch({ family: SE, entry: 'global_avg' }, { uniform: uniform(pl, hw, 1 / hw), reads: [x.buffer], writes: [out.buffer], workgroups: grid1d(pl, 64) });
  return out;
}

export function globalAvgPoolBackward(grad: Tensor, inputShape: readonly number[]): Tensor {
  const [pl, hw] = planes({ shape: inputShape }, 'globalAvgPool');
  const dx = Tensor.empty(inputShape);
  const { entry, workgroups } = elementwise('expand_plane', dx.size);
  engine().dispatch({ family: SE, entry }, { uniform: uniform(pl, hw, 1 / hw), reads: [grad.buffer], writes: [dx.buffer], workgroups });
  return dx;
}

/** x[N, C, ...] · s[N, C] (s broadcast over each plane). */
export function channelScaleKernel(x: Tensor, s: Tensor): Tensor {
  const [pl, hw] = planes(x, 'channelScale');
  if (s.size !== pl) throw new Error(`channelScale: scales ${shapeStr(s.shape)} do not match [N, C] of ${shapeStr(x.shape)}`);
  const out = Tensor.empty(x.shape);
  const { entry, workgroups } = elementwise('channel_scale', x.size);
  engine().dispatch({ family: SE, entry }, { uniform: uniform(pl, hw), reads: [x.buffer, s.buffer], writes: [out.buffer], workgroups });
  return out;
}

/** Σ over each plane of a · b: [N, C, ...] × 2 → shaped `outShape` (N·C values). */
export function planeDot(a: Tensor, b: Tensor, outShape: readonly number[]): Tensor {
  const [pl, hw] = planes(a, 'planeDot');
  const out = Tensor.empty(outShape);
  engine().dispatch({ family: SE, entry: 'plane_dot' }, { uniform: uniform(pl, hw), reads: [a.buffer, b.buffer], writes: [out.buffer], workgroups: grid1d(pl, 64) });
  return out;
}
