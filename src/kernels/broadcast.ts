/** Launchers for broadcast.wgsl. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr, type Shape } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const BROADCAST = kernelFamily('broadcast');

/** x as [outer, inner] → out as [outer, rep, inner] (times `scale`), shaped `outShape`. */
export function expandMiddle(x: Tensor, outer: number, rep: number, inner: number, outShape: Shape, scale = 1): Tensor {
  if (outer * inner !== x.size) throw new Error(`expandMiddle: ${x} is not [${outer},${inner}]`);
  const out = Tensor.empty(outShape);
  engine().dispatch(
    { family: BROADCAST, entry: 'expand_middle' },
    { uniforms: { outer, mid: rep, inner, scale }, bindings: { x, expanded: out }, workgroups: grid1d(Math.ceil(out.size / 4), 64) },
  );
  return out;
}

/** a + b[c] over axis 1 of a (shape [N, C, ...]). */
export function addChannel(a: Tensor, b: Tensor): Tensor {
  const c = a.shape[1];
  if (b.size !== c) throw new Error(`addChannel: bias ${shapeStr(b.shape)} does not match channels of ${shapeStr(a.shape)}`);
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  const out = Tensor.empty(a.shape);
  engine().dispatch(
    { family: BROADCAST, entry: 'add_channel' },
    { uniforms: { outer: a.shape[0], mid: c, inner, scale: 1 }, bindings: { x: a, bias: b, biased: out }, workgroups: grid1d(Math.ceil(a.size / 4), 64) },
  );
  return out;
}
