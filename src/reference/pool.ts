/** Float64 references for pooling (NCHW). */
import type { HostTensor } from './host-tensor.js';

export interface PoolRefGeometry {
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
}

/** Max pooling; padding positions never win (PyTorch pads with −inf). Ties: first in row-major order. */
export function maxPoolRef(x: HostTensor, g: PoolRefGeometry): HostTensor & { argmax: Int32Array } {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * g.pad[0] - g.kernel[0]) / g.stride[0]) + 1;
  const ow = Math.floor((w + 2 * g.pad[1] - g.kernel[1]) / g.stride[1]) + 1;
  const out = new Float64Array(n * c * oh * ow);
  const argmax = new Int32Array(out.length);
  for (let pl = 0; pl < n * c; pl++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity, bi = -1;
        for (let ky = 0; ky < g.kernel[0]; ky++)
          for (let kx = 0; kx < g.kernel[1]; kx++) {
            const yy = oy * g.stride[0] - g.pad[0] + ky, xx = ox * g.stride[1] - g.pad[1] + kx;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            const v = x.data[pl * h * w + yy * w + xx];
            if (bi < 0 || v > best) { best = v; bi = yy * w + xx; }
          }
        const o = (pl * oh + oy) * ow + ox;
        out[o] = bi < 0 ? 0 : best;
        argmax[o] = bi;
      }
  return { data: out, shape: [n, c, oh, ow], argmax };
}

/** PyTorch's adaptive average pooling: window i spans [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉). */
export function adaptiveAvgPoolRef(x: HostTensor, oh: number, ow: number): HostTensor {
  const [n, c, h, w] = x.shape;
  const out = new Float64Array(n * c * oh * ow);
  for (let pl = 0; pl < n * c; pl++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const ys = Math.floor((oy * h) / oh), ye = Math.ceil(((oy + 1) * h) / oh);
        const xs = Math.floor((ox * w) / ow), xe = Math.ceil(((ox + 1) * w) / ow);
        let s = 0;
        for (let yy = ys; yy < ye; yy++) for (let xx = xs; xx < xe; xx++) s += x.data[pl * h * w + yy * w + xx];
        out[(pl * oh + oy) * ow + ox] = s / ((ye - ys) * (xe - xs));
      }
  return { data: out, shape: [n, c, oh, ow] };
}

/** Mean over H, W: [N, C, H, W] → [N, C]. */
export function globalAvgPoolRef(x: HostTensor): HostTensor {
  const [n, c] = x.shape;
  const r = adaptiveAvgPoolRef(x, 1, 1);
  return { data: r.data, shape: [n, c] };
}
