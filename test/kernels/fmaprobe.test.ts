/**
 * The FMA-chain probe (src/kernels/fmaprobe.wgsl) computes what it claims: each chain's value after
 * iters·8 steps of a ← fma(a, m, c), summed, against a float32 host model; and its two forms (8 steps per
 * loop iteration, 1 step per iteration) give bit-identical results, so no compiler folded the unrolled
 * steps into fewer operations (which would make the ceiling it reports too high).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { fmaProbe, fmaProbeFlops } from '../../src/kernels/fmaprobe.js';

beforeAll(async () => { await gpu(); });

/** Host model of invocation i: 8 chains of 4 lanes starting at s + 0.01·lane + 0.1·chain, s = i·1e-6. */
function probeRef(i: number, steps: number): number {
  const f = Math.fround, m = f(0.999999), c = f(1e-6), s = f(i * f(1e-6));
  const lanes = [0, 0.01, 0.02, 0.03].map((d) => f(s + f(d)));
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    for (const l of lanes) {
      let a = k ? f(l + f(k / 10)) : l;
      // a·m is exact in float64 (24-bit × 24-bit mantissas), so one rounding of a·m + c to float32 is fma's.
      for (let t = 0; t < steps; t++) a = f(a * m + c);
      sum += a;
    }
  }
  return sum;
}

describe('fmaProbe', () => {
  it('counts 2 FLOPs per multiply-add: workgroups·64 invocations · iters · 8 steps · 8 chains · 4 lanes', () => {
    expect(fmaProbeFlops({ workgroups: 3, iters: 5 })).toBe(3 * 64 * 5 * 8 * 8 * 4 * 2);
  });

  it('runs the chains it counts (host model) and both forms agree bit for bit', async () => {
    const size = { workgroups: 2, iters: 25 };
    const unrolled = await fmaProbe(size).read();
    const looped = await fmaProbe({ ...size, looped: true }).read();
    expect(unrolled.length).toBe(128);
    expect(Array.from(looped)).toEqual(Array.from(unrolled));
    for (const i of [0, 1, 63, 127]) expect(unrolled[i]).toBeCloseTo(probeRef(i, 25 * 8), 3);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => fmaProbe({ workgroups: 0, iters: 1 })).toThrow(/workgroups and iters/);
    expect(() => fmaProbe({ workgroups: 1, iters: 1.5 })).toThrow(/workgroups and iters/);
  });
});
