/** Float64 references for squeeze-and-excitation pieces. globalAvgPoolRef lives in pool.ts. */
import type { HostTensor } from './host-tensor.js';
export { globalAvgPoolRef } from './pool.js';

/** x[N, C, ...] · s[N, C]. */
export function channelScaleRef(x: HostTensor, s: HostTensor): HostTensor {
  const hw = x.shape.slice(2).reduce((a, b) => a * b, 1);
  return { data: x.data.map((v, i) => v * s.data[Math.floor(i / hw)]), shape: [...x.shape] };
}
