/** Launchers for the element-wise kernels (elementwise.wgsl). No autograd here. */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr, type Shape } from '../engine/tensor.js';
import { grid1d } from './grid.js';
import { kernelFamily } from './sources.js';

const ELEMENTWISE = kernelFamily('elementwise');

export const UNARY = { relu: 0, affine: 1, exp: 2, log: 3, sigmoid: 4, sqrt: 5, square: 6, fill: 7 } as const;
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, reluBackward: 4, sigmoidBackward: 5, axpby: 6 } as const;

const PER_THREAD = 4;

export function unaryKernel(op: keyof typeof UNARY, a: Tensor | null, shape: Shape, alpha = 0, beta = 0): Tensor {
  const out = Tensor.empty(shape);
  const n = out.size;
  engine().dispatch(
    { family: ELEMENTWISE, entry: 'map_unary', constants: { OP: UNARY[op] } },
    {
      uniforms: { n, alpha, beta },
      bindings: { a: a ?? engine().placeholder, out },
      workgroups: grid1d(Math.ceil(n / PER_THREAD), 64),
    },
  );
  return out;
}

export function binaryKernel(op: keyof typeof BINARY, a: Tensor, b: Tensor, alpha = 0, beta = 0): Tensor {
  if (a.size !== b.size) throw new Error(`${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ`);
  const out = Tensor.empty(a.shape);
  engine().dispatch(
    { family: ELEMENTWISE, entry: 'map_binary', constants: { OP: BINARY[op] } },
    {
      uniforms: { n: a.size, alpha, beta },
      bindings: { a, b, binary_out: out },
      workgroups: grid1d(Math.ceil(a.size / PER_THREAD), 64),
    },
  );
  return out;
}

export const fill = (shape: Shape, value: number) => unaryKernel('fill', null, shape, value);
