/**
 * Dropout's counter-based mask, bit-identical to src/kernels/dropout.wgsl: element i is kept iff
 * (pcg(pcg(i) ^ pcg(seed)) >>> 8) ≥ round(p · 2^24); kept values are scaled by 1/(1 − p).
 */
import type { HostTensor } from './host-tensor.js';

export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

export const dropoutThreshold = (p: number) => Math.min(2 ** 24, Math.max(0, Math.round(p * 2 ** 24)));
export const dropoutKey = (seed: number) => pcgHash(seed >>> 0);

export function dropoutKept(i: number, key: number, threshold: number): boolean {
  return pcgHash(pcgHash(i) ^ key) >>> 8 >= threshold;
}

export function dropoutRef(x: HostTensor, a: { p: number; seed: number; training: boolean }): HostTensor {
  if (!a.training || a.p === 0) return { data: Float64Array.from(x.data), shape: [...x.shape] };
  const key = dropoutKey(a.seed), thr = dropoutThreshold(a.p), scale = a.p >= 1 ? 0 : 1 / (1 - a.p);
  return { data: x.data.map((v, i) => (dropoutKept(i, key, thr) ? v * scale : 0)), shape: [...x.shape] };
}
