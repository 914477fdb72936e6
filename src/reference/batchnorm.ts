/** Float64 reference for batch normalisation over the channel axis of [N, C, ...]. */
import type { HostTensor } from './host-tensor.js';

export interface BatchNormRefState {
  runningMean: number[];
  runningVar: number[];
}

/**
 * Training: normalises with the batch mean and biased variance and returns the updated running
 * statistics (momentum, unbiased variance, as PyTorch). Eval: normalises with the running statistics.
 */
export function batchNormRef(
  x: HostTensor, gamma: HostTensor, beta: HostTensor,
  opts: { training: boolean; momentum: number; eps: number; state?: BatchNormRefState },
): HostTensor & { state?: BatchNormRefState } {
  const [n, c] = x.shape;
  const hw = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const m = n * hw;
  const out = new Float64Array(x.data.length);
  const mean = new Float64Array(c), variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    if (opts.training) {
      let s = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) s += x.data[(b * c + ch) * hw + i];
      mean[ch] = s / m;
      let q = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) q += (x.data[(b * c + ch) * hw + i] - mean[ch]) ** 2;
      variance[ch] = q / m;
    } else {
      if (!opts.state) throw new Error('batchNormRef: eval mode needs running statistics');
      mean[ch] = opts.state.runningMean[ch];
      variance[ch] = opts.state.runningVar[ch];
    }
    const r = 1 / Math.sqrt(variance[ch] + opts.eps);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < hw; i++) {
        const k = (b * c + ch) * hw + i;
        out[k] = (x.data[k] - mean[ch]) * r * gamma.data[ch] + beta.data[ch];
      }
  }
  let state: BatchNormRefState | undefined;
  if (opts.training && opts.state) {
    const mo = opts.momentum;
    state = {
      runningMean: opts.state.runningMean.map((v, ch) => (1 - mo) * v + mo * mean[ch]),
      runningVar: opts.state.runningVar.map((v, ch) => (1 - mo) * v + mo * variance[ch] * (m > 1 ? m / (m - 1) : 1)),
    };
  }
  return { data: out, shape: [...x.shape], state };
}
