/** Float64 reference for 2-D convolution (NCHW, weights [Cout, Cin, KH, KW], groups = 1). */
import type { HostTensor } from './host-tensor.js';

export function conv2dRef(x: HostTensor, w: HostTensor, b: HostTensor | undefined, stride: [number, number], pad: [number, number]): HostTensor {
  const [N, Cin, H, W] = x.shape;
  const [Cout, , KH, KW] = w.shape;
  const [SH, SW] = stride, [PH, PW] = pad;
  const OH = Math.floor((H + 2 * PH - KH) / SH) + 1;
  const OW = Math.floor((W + 2 * PW - KW) / SW) + 1;
  const out = new Float64Array(N * Cout * OH * OW);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let s = b ? b.data[co] : 0;
          for (let ci = 0; ci < Cin; ci++)
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * SH - PH + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * SW - PW + kx;
                if (ix < 0 || ix >= W) continue;
                s += w.data[((co * Cin + ci) * KH + ky) * KW + kx] * x.data[((n * Cin + ci) * H + iy) * W + ix];
              }
            }
          out[((n * Cout + co) * OH + oy) * OW + ox] = s;
        }
  return { data: out, shape: [N, Cout, OH, OW] };
}
