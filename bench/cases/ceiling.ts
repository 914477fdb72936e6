/**
 * The arithmetic-ceiling rows (group `ceiling`): ecgpu's FMA-chain probe (src/kernels/fmaprobe.wgsl),
 * run in the same process and under the same load as the rows it rates. The tables give every row with
 * FLOPs (conv, GEMM, training step) its GFLOP/s as a share of the faster of the two, the first ("FMA
 * ceiling": 64 multiply-adds per loop iteration) wherever loops cost anything; the second row
 * ("FMA, 1 step per loop iteration") is the same arithmetic with a short loop body, which on SwiftShader
 * shows what each loop iteration costs. No tfjs counterpart: the probe measures the adapter, not a
 * framework.
 */
import { CEILING_GROUP, type BenchCase, type SizeConfig } from './common.js';
import { forwardRunner } from '../peers/ecgpu.js';
import { fmaProbe, fmaProbeFlops, type FmaProbeSize } from '../../src/kernels/fmaprobe.js';

export { CEILING_GROUP };

/**
 * The probe's grid. SwiftShader (the CPU sizes): 64 workgroups, many more than its worker threads, of
 * 2048 loop iterations (≈ 0.1 s at the ~40 GFLOP/s of 2 quiet cores). A real GPU (sizes gpu, web): the
 * same work over 4096 workgroups, enough to fill its cores.
 */
function probeSize(size: SizeConfig, looped: boolean): FmaProbeSize {
  const wide = size.name === 'gpu' || size.name === 'web';
  const s = wide ? { workgroups: 4096, iters: 32 } : { workgroups: 64, iters: 2048 };
  // The short-body probe is 3-5× slower on SwiftShader: an eighth of the work.
  return looped ? { ...s, iters: s.iters / 8, looped } : s;
}

export function ceilingCases(size: SizeConfig): BenchCase[] {
  return [false, true].map((looped): BenchCase => {
    const s = probeSize(size, looped);
    return {
      group: CEILING_GROUP,
      name: looped ? 'FMA, 1 step per loop iteration' : 'FMA ceiling (8 vec4 chains)',
      shape: `${s.workgroups}×64 invocations, ${s.iters} iterations of ${looped ? '8' : '64'} vec4 FMAs`,
      flops: fmaProbeFlops(s),
      section: 'kernels',
      make: { ecgpu: async () => ({ ...forwardRunner(() => fmaProbe(s), []), note: 'adapter probe: no peer counterpart' }) },
    };
  });
}
