/** Both strategies of the middle-axis sum, against the reference, on shapes that select each. */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { sumMiddle } from '../../src/kernels/reduce.js';
import { expandMiddle } from '../../src/kernels/broadcast.js';
import { host } from '../../src/reference/host-tensor.js';
import { reduceSumRef } from '../../src/reference/elementwise.js';
import { mulberry32 } from '../../src/reference/random.js';

beforeAll(async () => { await gpu(); });

describe('sumMiddle', () => {
  const shapes: [number, number, number, string][] = [
    [1, 70001, 1, 'one long sum (tree)'],
    [3, 1000, 2, 'few outputs (tree)'],
    [1, 4, 20736, 'split-K partials (serial)'],
    [5, 300, 77, 'many outputs, long reduction (serial)'],
    [2, 1, 3, 'reduction of one'],
  ];
  for (const [outer, red, inner, label] of shapes) {
    it(`[${outer},${red},${inner}] ${label}`, async () => {
      const rand = mulberry32(outer * 31 + red);
      const data = Array.from({ length: outer * red * inner }, () => 2 * rand() - 1);
      const got = await sumMiddle(Tensor.from(data, [outer * red * inner]), outer, red, inner, [outer * inner], 0.5).read();
      const want = reduceSumRef(host(data, [outer, red, inner]), outer, red, inner, [outer * inner]).data.map((v) => v * 0.5);
      const r = compare(got, want, 1e-4, 1e-4);
      expect(r.ok, r.detail).toBe(true);
    });
  }
});

describe('expandMiddle', () => {
  it('is the adjoint layout of sumMiddle', async () => {
    const x = [1, 2, 3, 4, 5, 6];
    const got = await expandMiddle(Tensor.from(x, [2, 3]), 2, 2, 3, [2, 2, 3], 2).read();
    expect([...got]).toEqual([2, 4, 6, 2, 4, 6, 8, 10, 12, 8, 10, 12]);
  });
});
