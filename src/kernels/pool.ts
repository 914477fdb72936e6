/** Launchers for pool.wgsl (max pooling with argmax, adaptive average pooling). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { params } from '../engine/uniforms.js';
import { grid1d } from './grid.js';

export interface Pool2dGeometry {
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
}

export const poolOutSize = (size: number, k: number, s: number, pad: number) => Math.floor((size + 2 * pad - k) / s) + 1;

function uniform(planes: number, h: number, w: number, oh: number, ow: number, g?: Pool2dGeometry) {
  const [kh, kw] = g?.kernel ?? [0, 0], [sh, sw] = g?.stride ?? [1, 1], [ph, pw] = g?.pad ?? [0, 0];
  return params().u32(planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, 0).bytes();
}

function check4d(name: string, x: Tensor): [number, number, number, number] {
  if (x.rank !== 4) throw new Error(`${name}: expected an NCHW tensor, got ${shapeStr(x.shape)}`);
  return x.shape as [number, number, number, number];
}

/** Max pooling; returns the output and the argmax (i32 index h·W + w within each input plane). */
export function maxPoolForward(x: Tensor, g: Pool2dGeometry): { out: Tensor; argmax: Tensor } {
  const [n, c, h, w] = check4d('maxPool2d', x);
  const oh = poolOutSize(h, g.kernel[0], g.stride[0], g.pad[0]);
  const ow = poolOutSize(w, g.kernel[1], g.stride[1], g.pad[1]);
  if (oh < 1 || ow < 1) throw new Error(`maxPool2d: window ${g.kernel} does not fit ${shapeStr(x.shape)} with padding ${g.pad}`);
  if (2 * g.pad[0] > g.kernel[0] || 2 * g.pad[1] > g.kernel[1]) throw new Error('maxPool2d: padding must be at most half the kernel');
  const out = Tensor.empty([n, c, oh, ow]);
  const argmax = Tensor.empty([n, c, oh, ow], 'i32');
  engine().dispatch(
    { family: 'pool', entry: 'max_pool_fwd' },
    { uniform: uniform(n * c, h, w, oh, ow, g), reads: [x.buffer], writes: [out.buffer, argmax.buffer], workgroups: grid1d(out.size, 64) },
  );
  return { out, argmax };
}

export function maxPoolBackward(grad: Tensor, argmax: Tensor, inputShape: readonly number[], g: Pool2dGeometry): Tensor {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = argmax.shape;
  const dx = Tensor.empty(inputShape);
  engine().dispatch(
    { family: 'pool', entry: 'max_pool_bwd' },
    { uniform: uniform(n * c, h, w, oh, ow, g), reads: [grad.buffer, argmax.buffer], writes: [dx.buffer], workgroups: grid1d(dx.size, 64) },
  );
  return dx;
}

export function adaptiveAvgPoolForward(x: Tensor, oh: number, ow: number): Tensor {
  const [n, c, h, w] = check4d('adaptiveAvgPool2d', x);
  if (!(oh >= 1 && ow >= 1)) throw new Error(`adaptiveAvgPool2d: invalid output size ${oh}×${ow}`);
  const out = Tensor.empty([n, c, oh, ow]);
  engine().dispatch(
    { family: 'pool', entry: 'adaptive_avg_fwd' },
    { uniform: uniform(n * c, h, w, oh, ow), reads: [x.buffer], writes: [out.buffer], workgroups: grid1d(out.size, 64) },
  );
  return out;
}

export function adaptiveAvgPoolBackward(grad: Tensor, inputShape: readonly number[], oh: number, ow: number): Tensor {
  const [n, c, h, w] = inputShape;
  const dx = Tensor.empty(inputShape);
  engine().dispatch(
    { family: 'pool', entry: 'adaptive_avg_bwd' },
    { uniform: uniform(n * c, h, w, oh, ow), reads: [grad.buffer], writes: [dx.buffer], workgroups: grid1d(dx.size, 64) },
  );
  return dx;
}
