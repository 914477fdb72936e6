/** Float64 reference for matrix products. */
import type { HostTensor } from './host-tensor.js';

/** op(a)·op(b) for rank-2 a, b (op = transpose when the flag is set), plus bias per column if given. */
export function matmulRef(a: HostTensor, b: HostTensor, transA = false, transB = false, bias?: HostTensor): HostTensor {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const M = transA ? ac : ar, K = transA ? ar : ac, N = transB ? br : bc;
  if ((transB ? bc : br) !== K) throw new Error(`matmulRef: inner dimensions differ: [${a.shape}] [${b.shape}]`);
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = bias ? bias.data[n] : 0;
      for (let k = 0; k < K; k++) s += (transA ? a.data[k * M + m] : a.data[m * K + k]) * (transB ? b.data[n * K + k] : b.data[k * N + n]);
      out[m * N + n] = s;
    }
  }
  return { data: out, shape: [M, N] };
}
