/** Launchers for softmax.wgsl (softmax over the last axis, softmax cross-entropy). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
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
  engine().dispatch({ family: SOFTMAX, entry: 'softmax_fwd' }, { uniforms: { rows, k, gstride: 0, scale: 1 }, bindings: { x, y }, workgroups: grid1d(rows, 64) });
  return y;
}

export function softmaxBackward(y: Tensor, grad: Tensor): Tensor {
  const [rows, k] = rowsOf(y);
  const dx = Tensor.empty(y.shape);
  engine().dispatch({ family: SOFTMAX, entry: 'softmax_bwd' }, { uniforms: { rows, k, gstride: 0, scale: 1 }, bindings: { x: y, g2: grad, dx3: dx }, workgroups: grid1d(rows, 64) });
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
    { uniforms: { rows: n, k, gstride: 0, scale: 1 }, bindings: { x: logits, labels, probs, losses }, workgroups: grid1d(n, 64) },
  );
  return { probs, losses };
}

/** (probs − onehot) · g · scale; `perRow`: g has one value per row, else a single value. */
export function crossEntropyBackward(probs: Tensor, labels: Tensor, grad: Tensor, scale: number, perRow: boolean): Tensor {
  const [n, k] = probs.shape;
  const dx = Tensor.empty(probs.shape);
  engine().dispatch(
    { family: SOFTMAX, entry: 'ce_bwd' },
    { uniforms: { rows: n, k, gstride: perRow ? 1 : 0, scale }, bindings: { x: probs, labels, g3: grad, dx4: dx }, workgroups: grid1d(n * k, 64) },
  );
  return dx;
}
