/**
 * Part 1 of the GPU check: the op table on the adapter at hand (every op's forward against its float64
 * reference and its backward against finite differences, src/testing/op-check.ts, as
 * test/engine/op-table.test.ts runs them), plus every GEMM kernel variant forced on the same adapter —
 * the launcher picks one per adapter class, so the op table alone proves only that class's variant.
 */
import { init } from '../../src/engine/engine.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { gemm, type GemmOptions } from '../../src/kernels/gemm.js';
import { matmulRef } from '../../src/reference/gemm.js';
import { host } from '../../src/reference/host-tensor.js';
import { mulberry32 } from '../../src/reference/random.js';
import '../../src/autograd/index.js';
import { FORWARD_TOL, compare, runOpTable, type CaseResult } from '../../src/testing/op-check.js';

export const GEMM_VARIANTS = ['vec4', 'reg', 'tiled'] as const;

/** Shapes M×N×K: ragged, unaligned, tiny and a few tiles' worth (up to 4 tiles a side on 64-wide tiles). */
const GEMM_SHAPES: [number, number, number][] = [[1, 1, 1], [7, 9, 8], [5, 3, 130], [67, 33, 45], [128, 96, 64], [256, 192, 320], [200, 264, 129]];

/** Every GEMM variant × transposes × shape against the float64 product, as CaseResults of op `gemm:<variant>`. */
export async function gemmVariantChecks(shapes = GEMM_SHAPES): Promise<CaseResult[]> {
  const rand = mulberry32(91);
  const arr = (n: number) => Float32Array.from({ length: n }, () => 2 * rand() - 1);
  const out: CaseResult[] = [];
  for (const variant of GEMM_VARIANTS)
    for (const [M, N, K] of shapes)
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const t0 = performance.now();
          const label = `${M}×${N}×${K}${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''}`;
          const a = arr(M * K), b = arr(K * N);
          let r: { ok: boolean; maxAbs: number; detail: string };
          try {
            const opts: GemmOptions = { transA, transB, variant };
            const c = tidy(() => gemm(Tensor.from(a, transA ? [K, M] : [M, K]), Tensor.from(b, transB ? [N, K] : [K, N]), opts).keep());
            let got: Float32Array;
            try {
              got = await c.read();
            } finally {
              c.dispose();
            }
            // K-long sums: the tolerance grows with √K as float32 rounding does.
            const tol = FORWARD_TOL.atol * Math.max(1, Math.sqrt(K / 16));
            r = compare(got, matmulRef(host(a, transA ? [K, M] : [M, K]), host(b, transB ? [N, K] : [K, N]), transA, transB).data, tol, FORWARD_TOL.rtol);
          } catch (e) {
            r = { ok: false, maxAbs: NaN, detail: `threw: ${(e as Error)?.message ?? e}` };
          }
          out.push({ op: `gemm:${variant}`, kind: 'forward', label, ok: r.ok, maxAbs: r.maxAbs, detail: r.detail, ms: performance.now() - t0 });
        }
  return out;
}

export interface OpsPart {
  ops: string[];
  passed: number;
  failed: number;
  results: CaseResult[];
  seconds: number;
}

export async function opsPart(opts: { tiny: boolean }): Promise<OpsPart> {
  await init();
  const t0 = performance.now();
  const table = await runOpTable();
  const variants = await gemmVariantChecks(opts.tiny ? GEMM_SHAPES.slice(0, 4) : GEMM_SHAPES);
  const results = [...table.results, ...variants];
  const failed = results.filter((r) => !r.ok).length;
  return {
    ops: [...table.ops, ...GEMM_VARIANTS.map((v) => `gemm:${v}`)],
    passed: results.length - failed,
    failed,
    results,
    seconds: (performance.now() - t0) / 1000,
  };
}
