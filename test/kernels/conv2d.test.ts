/**
 * conv2d kernels against float64 references on shapes beyond the op table: AlexNet layer shapes at
 * batch 1 with small spatial sizes, ragged channel counts, strides above 1 with padding, 1×1 kernels,
 * and the split reduction of the weight gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { conv2dBackwardData, conv2dBackwardWeights, conv2dBiasGrad, conv2dForward, convShape, type ConvShape } from '../../src/kernels/conv2d.js';
import { conv2dRef } from '../../src/reference/conv2d.js';
import { mulberry32 } from '../../src/reference/random.js';

beforeAll(async () => {
  await gpu();
});

const rand = mulberry32(9);
const randArr = (n: number) => Float32Array.from({ length: n }, () => 2 * rand() - 1);

/** dx and dw of L = Σ y·dy, by scattering every term of the forward sum. */
function backwardRef(x: Float32Array, w: Float32Array, dy: Float32Array, s: ConvShape) {
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(s.Cout);
  for (let n = 0; n < s.N; n++)
    for (let co = 0; co < s.Cout; co++)
      for (let oy = 0; oy < s.OH; oy++)
        for (let ox = 0; ox < s.OW; ox++) {
          const g = dy[((n * s.Cout + co) * s.OH + oy) * s.OW + ox];
          db[co] += g;
          for (let ci = 0; ci < s.Cin; ci++)
            for (let ky = 0; ky < s.KH; ky++) {
              const iy = oy * s.SH - s.PH + ky;
              if (iy < 0 || iy >= s.H) continue;
              for (let kx = 0; kx < s.KW; kx++) {
                const ix = ox * s.SW - s.PW + kx;
                if (ix < 0 || ix >= s.W) continue;
                const xi = ((n * s.Cin + ci) * s.H + iy) * s.W + ix, wi = ((co * s.Cin + ci) * s.KH + ky) * s.KW + kx;
                dx[xi] += g * w[wi];
                dw[wi] += g * x[xi];
              }
            }
        }
  return { dx, dw, db };
}

const cases: { label: string; x: number[]; w: number[]; stride: number | [number, number]; pad: number | [number, number] }[] = [
  { label: 'AlexNet conv1 shape, batch 1, 35×35 input', x: [1, 3, 35, 35], w: [96, 3, 11, 11], stride: 4, pad: 2 },
  { label: 'AlexNet conv2 shape (5×5 pad 2), small spatial', x: [1, 96, 9, 9], w: [64, 96, 5, 5], stride: 1, pad: 2 },
  { label: 'AlexNet conv3 shape (3×3 pad 1), batch 2', x: [2, 64, 6, 6], w: [72, 64, 3, 3], stride: 1, pad: 1 },
  { label: '1×1 kernel, ragged channels', x: [2, 33, 5, 7], w: [19, 33, 1, 1], stride: 1, pad: 0 },
  { label: 'padding larger than stride, odd sizes', x: [3, 5, 11, 9], w: [7, 5, 4, 3], stride: [2, 3], pad: [3, 2] },
  { label: 'stride larger than kernel', x: [2, 4, 13, 13], w: [6, 4, 2, 2], stride: 3, pad: 1 },
  { label: 'many images, few outputs (split weight-gradient reduction)', x: [9, 2, 8, 8], w: [3, 2, 3, 3], stride: 1, pad: 1 },
  // 12-row blocks (ROWS = 12 in conv2d.wgsl): the default preset's conv1 (13 planes, 12 channels, 11×11/4,
  // non-square), a 36-channel output (3 blocks), and 12 input channels (the stride-1 input gradient runs
  // the forward kernel with 12 output rows).
  { label: 'default preset conv1: 13 planes, 12 channels, 11×11/4, non-square', x: [2, 13, 19, 43], w: [12, 13, 11, 11], stride: 4, pad: 2 },
  { label: '36 output channels in 12-row blocks, ragged columns', x: [3, 5, 7, 9], w: [36, 5, 3, 3], stride: 1, pad: 1 },
  { label: '12 input channels (stride-1 input gradient in 12-row blocks)', x: [2, 12, 7, 31], w: [32, 12, 5, 5], stride: 1, pad: 2 },
];

describe('conv2d kernels', () => {
  for (const c of cases) {
    it(`${c.label}: x [${c.x}] w [${c.w}] stride ${c.stride} pad ${c.pad}`, async () => {
      const g = { stride: c.stride, pad: c.pad };
      const s = convShape(c.x, c.w, g);
      const x = randArr(c.x.reduce((a, b) => a * b)), w = randArr(c.w.reduce((a, b) => a * b)), b = randArr(s.Cout);
      const dy = randArr(s.N * s.Cout * s.OH * s.OW);
      const X = Tensor.from(x, c.x), Wt = Tensor.from(w, c.w), B = Tensor.from(b, [s.Cout]), DY = Tensor.from(dy, [s.N, s.Cout, s.OH, s.OW]);
      const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
      const yRef = conv2dRef({ data: Float64Array.from(x), shape: c.x }, { data: Float64Array.from(w), shape: c.w }, { data: Float64Array.from(b), shape: [s.Cout] }, pair(c.stride), pair(c.pad));
      const y = conv2dForward(X, Wt, B, g);
      expect([...y.shape]).toEqual(yRef.shape);
      const tol = 2e-4;
      let r = compare(await y.read(), yRef.data, tol, tol);
      expect(r.ok, `forward ${r.detail}`).toBe(true);
      const yRelu = await conv2dForward(X, Wt, B, g, { relu: true }).read();
      r = compare(yRelu, yRef.data.map((v) => Math.max(0, v)), tol, tol);
      expect(r.ok, `forward+relu ${r.detail}`).toBe(true);
      const want = backwardRef(x, w, dy, s);
      r = compare(await conv2dBackwardData(DY, Wt, c.x, g).read(), want.dx, tol, tol);
      expect(r.ok, `backward data ${r.detail}`).toBe(true);
      r = compare(await conv2dBackwardWeights(X, DY, c.w, g).read(), want.dw, 5e-4, tol);
      expect(r.ok, `backward weights ${r.detail}`).toBe(true);
      r = compare(await conv2dBiasGrad(DY).read(), want.db, tol, tol);
      expect(r.ok, `bias grad ${r.detail}`).toBe(true);
    });
  }
});
