/** Float64 references for softmax (last axis), softmax cross-entropy and sigmoid binary cross-entropy. */
import type { HostTensor } from './host-tensor.js';

export function softmaxRef(x: HostTensor): HostTensor {
  const k = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r * k < x.data.length; r++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, x.data[r * k + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s += (out[r * k + j] = Math.exp(x.data[r * k + j] - m));
    for (let j = 0; j < k; j++) out[r * k + j] /= s;
  }
  return { data: out, shape: [...x.shape] };
}

/** Cross-entropy of softmax(logits [N, K]) against integer labels [N]: 'mean' / 'sum' → [1], 'none' → [N]. */
export function softmaxCrossEntropyRef(logits: HostTensor, labels: HostTensor, reduction: 'mean' | 'sum' | 'none'): HostTensor {
  const [n, k] = logits.shape;
  const losses = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits.data[r * k + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logits.data[r * k + j] - m);
    const label = labels.data[r];
    losses[r] = Math.log(s) + m - (label >= 0 && label < k ? logits.data[r * k + label] : m);
  }
  if (reduction === 'none') return { data: losses, shape: [n] };
  const total = losses.reduce((a, b) => a + b, 0);
  return { data: Float64Array.of(reduction === 'mean' ? total / n : total), shape: [1] };
}

/** Sigmoid binary cross-entropy of logits [N, K] against targets in [0, 1]: 'mean' over all N·K elements / 'sum' → [1], 'none' → [N, K]. */
export function sigmoidBinaryCrossEntropyRef(logits: HostTensor, targets: HostTensor, reduction: 'mean' | 'sum' | 'none'): HostTensor {
  const losses = logits.data.map((x, i) => {
    const t = targets.data[i];
    // −t·log σ(x) − (1−t)·log(1−σ(x)) with log σ(x) = −log1p(e^−x) and log(1−σ(x)) = −x − log1p(e^−x),
    // each side written so that exp never overflows.
    const logSigmoid = x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    const logOneMinus = logSigmoid - x;
    return -(t * logSigmoid + (1 - t) * logOneMinus);
  });
  if (reduction === 'none') return { data: losses, shape: [...logits.shape] };
  const total = losses.reduce((a, b) => a + b, 0);
  return { data: Float64Array.of(reduction === 'mean' ? total / Math.max(1, losses.length) : total), shape: [1] };
}
