/** Launcher for dropout.wgsl. No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { dropoutKey, dropoutThreshold } from '../reference/dropout.js';
import { vec4Entry } from './grid.js';
import { kernelFamily } from './sources.js';

const DROPOUT = kernelFamily('dropout');

/** x with the mask of (p, seed) applied and kept values scaled by 1/(1 − p); also its own backward. */
export function dropoutKernel(x: Tensor, p: number, seed: number): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: p must be in [0, 1], got ${p}`);
  const out = Tensor.empty(x.shape);
  const { entry, workgroups, vec4 } = vec4Entry('dropout', x.size);
  engine().dispatch(
    { family: DROPOUT, entry },
    {
      uniforms: { n: x.size, key: dropoutKey(seed), threshold: dropoutThreshold(p), scale: p >= 1 ? 0 : 1 / (1 - p) },
      bindings: vec4 ? { xv: x, outv: out } : { x, out },
      workgroups,
    },
  );
  return out;
}
