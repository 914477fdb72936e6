/**
 * Launcher for fmaprobe.wgsl: the arithmetic ceiling the bench rates kernels against (see the WGSL's
 * header). No autograd; no model uses it.
 */
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { kernelFamily } from './sources.js';

const FMAPROBE = kernelFamily('fmaprobe');

/** Independent vec4 chains per invocation, multiply-add steps per loop iteration, invocations per workgroup (fmaprobe.wgsl). */
const CHAINS = 8, STEPS = 8, WG = 64;

export interface FmaProbeSize {
  /** Workgroups: many more than SwiftShader's worker threads, so that every one stays busy to the end. */
  workgroups: number;
  /** Loop iterations (each STEPS multiply-add steps of every chain). */
  iters: number;
  /** One step per loop iteration (the same work): the ceiling of a short loop body, not of the arithmetic. */
  looped?: boolean;
}

/** Floating-point operations of one probe run (a multiply-add counts 2, as in every GFLOP/s figure here). */
export const fmaProbeFlops = (s: FmaProbeSize) => s.workgroups * WG * s.iters * STEPS * CHAINS * 4 * 2;

/** Runs the probe; the result (one value per invocation) only keeps the work from being dead code. */
export function fmaProbe(s: FmaProbeSize): Tensor {
  if (!(Number.isInteger(s.workgroups) && s.workgroups >= 1 && Number.isInteger(s.iters) && s.iters >= 1)) {
    throw new Error(`fmaProbe: workgroups and iters must be integers ≥ 1, got ${JSON.stringify(s)}`);
  }
  const out = Tensor.empty([s.workgroups * WG]);
  engine().dispatch(
    { family: FMAPROBE, entry: s.looped ? 'fma_chains_looped' : 'fma_chains' },
    { uniforms: { iters: s.iters, m: 0.999999, c: 1e-6 }, bindings: { out }, workgroups: [s.workgroups] },
  );
  return out;
}
