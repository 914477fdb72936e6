/** GEMM launcher edge cases beyond the op table: both kernel variants, batches, epilogues, ragged shapes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { gemm } from '../../src/kernels/gemm.js';
import { mulberry32 } from '../../src/reference/random.js';

beforeAll(async () => {
  await gpu();
});

const rand = mulberry32(5);
const randArr = (n: number) => Float32Array.from({ length: n }, () => 2 * rand() - 1);

function ref(a: Float32Array, b: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean, offA = 0, offB = 0): Float64Array {
  const c = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[offA + k * M + m] : a[offA + m * K + k]) * (tB ? b[offB + n * K + k] : b[offB + k * N + n]);
      c[m * N + n] = s;
    }
  return c;
}

const shapes: [number, number, number][] = [[1, 1, 1], [8, 12, 16], [5, 8, 12], [7, 9, 8], [1, 7, 130], [5, 3, 130], [67, 33, 45], [4, 4, 4], [33, 65, 3], [128, 96, 64]];
for (const variant of ['vec4', 'reg', 'tiled'] as const) {
  describe(`gemm ${variant}`, () => {
    for (const [M, N, K] of shapes)
      for (const tA of [false, true])
        for (const tB of [false, true]) {
          it(`${M}×${N}×${K} transA=${tA} transB=${tB}`, async () => {
            const a = randArr(M * K), b = randArr(K * N);
            const C = gemm(Tensor.from(a, tA ? [K, M] : [M, K]), Tensor.from(b, tB ? [N, K] : [K, N]), { transA: tA, transB: tB, variant });
            expect([...C.shape]).toEqual([M, N]);
            const r = compare(await C.read(), ref(a, b, M, N, K, tA, tB), 1e-4, 1e-4);
            expect(r.ok, r.detail).toBe(true);
          });
        }

    it('batched, with a broadcast operand', async () => {
      const [bt, M, N, K] = [3, 17, 9, 11];
      const a = randArr(bt * M * K), b = randArr(K * N);
      const C = gemm(Tensor.from(a, [bt, M, K]), Tensor.from(b, [K, N]), { variant });
      expect([...C.shape]).toEqual([bt, M, N]);
      const got = await C.read();
      for (let i = 0; i < bt; i++) {
        const r = compare(got.subarray(i * M * N, (i + 1) * M * N), ref(a, b, M, N, K, false, false, i * M * K, 0), 1e-4, 1e-4);
        expect(r.ok, r.detail).toBe(true);
      }
    });

    it('epilogue: alpha, bias per column and per row, ReLU, accumulate with beta', async () => {
      const [M, N, K] = [13, 10, 7];
      const a = randArr(M * K), b = randArr(K * N), bc = randArr(N), br = randArr(M), c0 = randArr(M * N);
      const A = Tensor.from(a, [M, K]), B = Tensor.from(b, [K, N]);
      const base = ref(a, b, M, N, K, false, false);
      const y1 = await gemm(A, B, { alpha: 0.5, bias: Tensor.from(bc, [N]), relu: true, variant }).read();
      const y2 = await gemm(A, B, { bias: Tensor.from(br, [M]), biasPerRow: true, variant }).read();
      const into = Tensor.from(c0, [M, N]);
      const y3t = gemm(A, B, { into, beta: -2, alpha: 3, variant });
      expect(y3t).toBe(into);
      const y3 = await y3t.read();
      const w1 = base.map((v, i) => Math.max(0, 0.5 * v + bc[i % N]));
      const w2 = base.map((v, i) => v + br[Math.floor(i / N)]);
      const w3 = base.map((v, i) => 3 * v - 2 * c0[i]);
      for (const [got, want] of [[y1, w1], [y2, w2], [y3, w3]] as const) {
        const r = compare(got, want, 1e-4, 1e-4);
        expect(r.ok, r.detail).toBe(true);
      }
    });
  });
}
