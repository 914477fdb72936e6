/** Launchers for pool.wgsl (max pooling with argmax, adaptive average pooling). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { fill } from './elementwise.js';
import { kernelFamily } from './sources.js';

const POOL = kernelFamily('pool');

export interface Pool2dGeometry {
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
}

export const poolOutSize = (size: number, k: number, s: number, pad: number) => Math.floor((size + 2 * pad - k) / s) + 1;

/** max_pool_scatter's class of outputs (see pool.wgsl); the other entry points ignore it. */
interface ScatterClass { cy0: number; cx0: number; cys: number; cxs: number; ncy: number; ncx: number }
const NO_CLASS: ScatterClass = { cy0: 0, cx0: 0, cys: 1, cxs: 1, ncy: 0, ncx: 0 };

function uniforms(planes: number, h: number, w: number, oh: number, ow: number, g?: Pool2dGeometry, cls = NO_CLASS) {
  const [kh, kw] = g?.kernel ?? [0, 0], [sh, sw] = g?.stride ?? [1, 1], [ph, pw] = g?.pad ?? [0, 0];
  return { planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, ...cls };
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
  const unpadded = g.pad[0] === 0 && g.pad[1] === 0;
  engine().dispatch(
    unpadded
      ? { family: POOL, entry: 'max_pool_fwd_k', constants: { KH: g.kernel[0], KW: g.kernel[1], SH: g.stride[0], SW: g.stride[1] } }
      : { family: POOL, entry: 'max_pool_fwd' },
    { uniforms: uniforms(n * c, h, w, oh, ow, g), bindings: { x, y: out, arg: argmax }, workgroups: grid1d(out.size, 64) },
  );
  return { out, argmax };
}

/**
 * Max-pool backward: zero dx, then scatter each output's gradient to its argmax, one dispatch per class
 * of non-overlapping windows (⌈k/s⌉² classes; 1 when windows do not overlap).
 */
export function maxPoolBackward(grad: Tensor, argmax: Tensor, inputShape: readonly number[], g: Pool2dGeometry): Tensor {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = argmax.shape;
  let dx: Tensor;
  if ((n * c * h * w) % 4 === 0) {
    dx = Tensor.empty(inputShape);
    const q = (n * c * h * w) / 4;
    engine().dispatch({ family: POOL, entry: 'zero4' }, { uniforms: uniforms(q, 0, 0, 0, 0), bindings: { zv: dx }, workgroups: grid1d(q, 64) });
  } else {
    dx = fill(inputShape, 0);
  }
  const cys = Math.ceil(g.kernel[0] / g.stride[0]), cxs = Math.ceil(g.kernel[1] / g.stride[1]);
  for (let cy0 = 0; cy0 < Math.min(cys, oh); cy0++)
    for (let cx0 = 0; cx0 < Math.min(cxs, ow); cx0++) {
      const ncy = Math.ceil((oh - cy0) / cys), ncx = Math.ceil((ow - cx0) / cxs);
      engine().dispatch(
        { family: POOL, entry: 'max_pool_scatter' },
        {
          uniforms: uniforms(n * c, h, w, oh, ow, g, { cy0, cx0, cys, cxs, ncy, ncx }),
          bindings: { x: grad, argIn: argmax, dx },
          workgroups: grid1d(n * c * ncy * ncx, 64),
        },
      );
    }
  return dx;
}

/** The gather form of the backward (one invocation per input element); slower on CPU drivers. */
export function maxPoolBackwardGather(grad: Tensor, argmax: Tensor, inputShape: readonly number[], g: Pool2dGeometry): Tensor {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = argmax.shape;
  const dx = Tensor.empty(inputShape);
  engine().dispatch(
    { family: POOL, entry: 'max_pool_bwd' },
    { uniforms: uniforms(n * c, h, w, oh, ow, g), bindings: { x: grad, argIn: argmax, dx }, workgroups: grid1d(dx.size, 64) },
  );
  return dx;
}

export function adaptiveAvgPoolForward(x: Tensor, oh: number, ow: number): Tensor {
  const [n, c, h, w] = check4d('adaptiveAvgPool2d', x);
  if (!(oh >= 1 && ow >= 1)) throw new Error(`adaptiveAvgPool2d: invalid output size ${oh}×${ow}`);
  const out = Tensor.empty([n, c, oh, ow]);
  engine().dispatch(
    { family: POOL, entry: 'adaptive_avg_fwd' },
    { uniforms: uniforms(n * c, h, w, oh, ow), bindings: { x, y: out }, workgroups: grid1d(out.size, 64) },
  );
  return out;
}

export function adaptiveAvgPoolBackward(grad: Tensor, inputShape: readonly number[], oh: number, ow: number): Tensor {
  const [n, c, h, w] = inputShape;
  const dx = Tensor.empty(inputShape);
  engine().dispatch(
    { family: POOL, entry: 'adaptive_avg_bwd' },
    { uniforms: uniforms(n * c, h, w, oh, ow), bindings: { x: grad, y: dx }, workgroups: grid1d(dx.size, 64) },
  );
  return dx;
}
