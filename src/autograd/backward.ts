/** `backward(loss)` with the engine's own kernels for summing gradients and seeding. */
import type { Tensor } from '../engine/tensor.js';
import { backward as graphBackward } from '../graph/backward.js';
import { binaryKernel, fill } from '../kernels/elementwise.js';

const gradOps = { add: (a: Tensor, b: Tensor) => binaryKernel('add', a, b), fill };

export function backward(loss: Tensor, seed?: Tensor): void {
  graphBackward(loss, gradOps, seed);
}
