/** Launcher for dropout.wgsl. No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { params } from '../engine/uniforms.js';
import { dropoutKey, dropoutThreshold } from '../reference/dropout.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const DROPOUT = kernelFamily('dropout');

/** x with the mask of (p, seed) applied and kept values scaled by 1/(1 − p); also its own backward. */
export function dropoutKernel(x: Tensor, p: number, seed: number): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: p must be in [0, 1], got ${p}`);
  const out = Tensor.empty(x.shape);
  const vec4 = x.size % 4 === 0;
  engine().dispatch(
    { family: DROPOUT, entry: vec4 ? 'dropout4' : 'dropout' },
    {
      uniform: params().u32(x.size, dropoutKey(seed), dropoutThreshold(p)).f32(p >= 1 ? 0 : 1 / (1 - p)).bytes(),
      reads: [x.buffer],
      writes: [out.buffer],
      workgroups: grid1d(vec4 ? x.size / 4 : Math.ceil(x.size / 4), 64),
    },
  );
  return out;
}
