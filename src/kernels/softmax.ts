/** Launchers for softmax.wgsl (softmax over the last axis, softmax cross-entropy). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { params } from '../engine/uniforms.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const SOFTMAX = kernelFamily('softmax');

const rowsOf = (x: { shape: readonly number[]; size: number }): [number, number] => {
  const k = x.shape[x.shape.length - 1] ?? 1;
  return [k ? x.size / k : 0, k];
};

export function softmaxForward(x: Tensor): Tensor {
  const [rows, k] = rowsOf(x);
  const y = Tensor.empty(x.shape);
  engine().dispatch({ family: SOFTMAX, entry: 'softmax_fwd' }, { uniform: params().u32(rows, k, 0).f32(1).bytes(), reads: [x.buffer], writes: [y.buffer], workgroups: grid1d(rows, 64) });
  return y;
}

export function softmaxBackward(y: Tensor, grad: Tensor): Tensor {
  const [rows, k] = rowsOf(y);
  const dx = Tensor.empty(y.shape);
  engine().dispatch({ family: SOFTMAX, entry: 'softmax_bwd' }, { uniform: params().u32(rows, k, 0).f32(1).bytes(), reads: [y.buffer, grad.buffer], writes: [dx.buffer], workgroups: grid1d(rows, 64) });
  return dx;
}

/** Softmax probabilities [N, K] and per-row losses [N] for integer labels [N]. */
export function crossEntropyForward(logits: Tensor, labels: Tensor): { probs: Tensor; losses: Tensor } {
  if (logits.rank !== 2) throw new Error(`softmaxCrossEntropy: logits must be [N, K], got ${shapeStr(logits.shape)}`);
  const [n, k] = logits.shape;
  if (labels.size !== n || labels.dtype === 'f32') throw new Error(`softmaxCrossEntropy: labels must be ${n} integers, got ${labels}`);
  const probs = Tensor.empty(logits.shape);
  const losses = Tensor.empty([n]);
  engine().dispatch(
    { family: SOFTMAX, entry: 'ce_fwd' },
    { uniform: params().u32(n, k, 0).f32(1).bytes(), reads: [logits.buffer, labels.buffer], writes: [probs.buffer, losses.buffer], workgroups: grid1d(n, 64) },
  );
  return { probs, losses };
}

/** (probs − onehot) · g · scale; `perRow`: g has one value per row, else a single value. */
export function crossEntropyBackward(probs: Tensor, labels: Tensor, grad: Tensor, scale: number, perRow: boolean): Tensor {
  const [n, k] = probs.shape;
  const dx = Tensor.empty(probs.shape);
  engine().dispatch(
    { family: SOFTMAX, entry: 'ce_bwd' },
    { uniform: params().u32(n, k, perRow ? 1 : 0).f32(scale).bytes(), reads: [probs.buffer, labels.buffer, grad.buffer], writes: [dx.buffer], workgroups: grid1d(n * k, 64) },
  );
  return dx;
}
