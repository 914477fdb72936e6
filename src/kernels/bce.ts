/** Launchers for bce.wgsl (sigmoid binary cross-entropy on logits, the multi-label loss). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const BCE = kernelFamily('bce');

function checkPair(logits: Tensor, targets: Tensor): void {
  if (logits.rank !== 2) throw new Error(`sigmoidBinaryCrossEntropy: logits must be [N, K], got ${shapeStr(logits.shape)}`);
  if (targets.dtype !== 'f32' || targets.shape.join() !== logits.shape.join()) {
    throw new Error(`sigmoidBinaryCrossEntropy: targets must be f32 ${shapeStr(logits.shape)}, got ${targets}`);
  }
}

/** Per-element losses [N, K]. */
export function bceForward(logits: Tensor, targets: Tensor): Tensor {
  checkPair(logits, targets);
  const losses = Tensor.empty(logits.shape);
  const size = logits.size;
  engine().dispatch({ family: BCE, entry: 'bce_fwd' }, { uniforms: { size, gstride: 0, scale: 1 }, bindings: { x: logits, t: targets, losses }, workgroups: grid1d(size, 64) });
  return losses;
}

/** (σ(logits) − targets) · g · scale; `perElement`: g has one value per element, else a single value. */
export function bceBackward(logits: Tensor, targets: Tensor, grad: Tensor, scale: number, perElement: boolean): Tensor {
  const dx = Tensor.empty(logits.shape);
  const size = logits.size;
  engine().dispatch(
    { family: BCE, entry: 'bce_bwd' },
    { uniforms: { size, gstride: perElement ? 1 : 0, scale }, bindings: { x: logits, t: targets, g: grad, dx }, workgroups: grid1d(size, 64) },
  );
  return dx;
}
