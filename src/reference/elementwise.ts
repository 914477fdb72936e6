import { mapHost, type HostTensor } from './host-tensor.js';

export const reluRef = (x: HostTensor) => mapHost(x, (v) => Math.max(v, 0));
export const sigmoidRef = (x: HostTensor) => mapHost(x, (v) => 1 / (1 + Math.exp(-v)));
export const expRef = (x: HostTensor) => mapHost(x, Math.exp);
export const logRef = (x: HostTensor) => mapHost(x, Math.log);
export const affineRef = (x: HostTensor, alpha: number, beta: number) => mapHost(x, (v) => alpha * v + beta);
export const zipRef = (a: HostTensor, b: HostTensor, f: (x: number, y: number) => number) => mapHost(a, (v, i) => f(v, b.data[i]));

/** Sum over the middle axis of [outer, red, inner]. */
export function reduceSumRef(x: HostTensor, outer: number, red: number, inner: number, outShape: number[]): HostTensor {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let r = 0; r < red; r++)
      for (let i = 0; i < inner; i++) out[o * inner + i] += x.data[(o * red + r) * inner + i];
  return { data: out, shape: outShape };
}
