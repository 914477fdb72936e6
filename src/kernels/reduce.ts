/** Launcher for reduce.wgsl. */
import { engine } from '../engine/engine.js';
import { Tensor, type Shape } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const REDUCE = kernelFamily('reduce');

/** Sums `x` viewed as [outer, red, inner] over the middle axis, times `scale`; result has `outShape`. */
export function sumMiddle(x: Tensor, outer: number, red: number, inner: number, outShape: Shape, scale = 1): Tensor {
  if (outer * red * inner !== x.size) throw new Error(`sumMiddle: [${outer},${red},${inner}] does not cover ${x} `);
  const out = Tensor.empty(outShape);
  const outputs = outer * inner;
  // Many outputs or a short reduction: a loop per output. Few outputs, long reduction: a workgroup tree.
  const serial = outputs >= 256 || red <= 64;
  engine().dispatch(
    { family: REDUCE, entry: serial ? 'sum_middle_serial' : 'sum_middle' },
    {
      uniforms: { outer, red, inner, scale },
      bindings: { x, out },
      workgroups: serial ? grid1d(outputs, 64) : grid1d(outputs, 1),
    },
  );
  return out;
}
