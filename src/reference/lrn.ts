/**
 * Float64 reference for cross-channel LRN, PyTorch's convention (alpha is divided by size):
 *   b_c = a_c / (k + alpha/size · Σ_{c' = c − ⌊size/2⌋}^{c + ⌊(size−1)/2⌋} a_{c'}²)^beta
 */
import type { HostTensor } from './host-tensor.js';

export function lrnRef(x: HostTensor, a: { size: number; alpha: number; beta: number; k: number }): HostTensor {
  const [n, c] = x.shape;
  const hw = x.shape.slice(2).reduce((p, q) => p * q, 1);
  const out = new Float64Array(x.data.length);
  const lo = Math.floor(a.size / 2), hi = Math.floor((a.size - 1) / 2);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < hw; i++) {
        let sum = 0;
        for (let cc = Math.max(0, ch - lo); cc <= Math.min(c - 1, ch + hi); cc++) {
          const v = x.data[(b * c + cc) * hw + i];
          sum += v * v;
        }
        const idx = (b * c + ch) * hw + i;
        out[idx] = x.data[idx] / Math.pow(a.k + (a.alpha / a.size) * sum, a.beta);
      }
  return { data: out, shape: [...x.shape] };
}
