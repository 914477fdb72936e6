/**
 * Launcher for gemm.wgsl (no autograd here).
 *
 *   gemm(a, b, opts) → C = alpha · op(a) · op(b) (+ bias) (+ beta · into) (ReLU)
 *
 * `a` is [M, K] ([K, M] when transA) or batched [batch, M, K]; `b` is [K, N] ([N, K] when transB) or
 * batched. Rank-2 operands are broadcast over the batch of the other. Any M, N, K works. On SwiftShader
 * the register-blocked kernels run: `gemm_vec4` when the shapes allow 16-byte loads (K % 4 == 0, and
 * M % 4 == 0 if transA, N % 4 == 0 unless transB), else `gemm_reg`. On real GPUs (adapterClass 'gpu')
 * the workgroup-memory tiled `gemm_tiled`. `opts.variant` forces one (benchmarks, tests); a forced
 * 'vec4' on unaligned shapes falls back to 'reg'.
 */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { ceilDiv } from './grid.js';
import { kernelFamily } from './sources.js';

const GEMM = kernelFamily('gemm');

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  /** Scales op(a)·op(b) (default 1). */
  alpha?: number;
  /** Added to the result: per column ([N], as in linear) or, with biasPerRow, per row ([M]). */
  bias?: Tensor;
  biasPerRow?: boolean;
  relu?: boolean;
  /** Accumulate: the result is written into this tensor (shape of C) as alpha·AB + beta·into. */
  into?: Tensor;
  beta?: number;
  variant?: 'vec4' | 'reg' | 'tiled';
}

/** Register-blocked kernel: outputs per invocation (TM rows × TN cols) and workgroup shape. */
const REG = { TM: 4, TN: 4, WGX: 8, WGY: 4 };
/** gemm_vec4: 8×8 outputs per invocation (see gemm.wgsl for why), same workgroup shape. */
const VEC4 = { TM: 8, TN: 8 };
const TILE = 64;

/**
 * gemm_vec4's workgroup (32 invocations of 8×8 blocks): WGY 1, 2 or 4 rows of blocks, whichever wastes
 * least on partial blocks. The FC layers at batch 16 have M = 16, half of the default 4 × 8 rows; the
 * shape itself made no difference on SwiftShader (measured on 1024³), only the wasted work does.
 */
function vec4Shape(M: number, N: number): { WGX: number; WGY: number } {
  let best = { WGX: REG.WGX, WGY: REG.WGY }, bestWork = Infinity;
  for (const wgy of [4, 2, 1]) {
    const wgx = 32 / wgy;
    const work = ceilDiv(N, wgx * VEC4.TN) * wgx * ceilDiv(M, wgy * VEC4.TM) * wgy;
    if (work < bestWork) { best = { WGX: wgx, WGY: wgy }; bestWork = work; }
  }
  return best;
}

export interface GemmDims { batch: number; M: number; N: number; K: number; strideA: number; strideB: number }

export function gemmDims(a: Tensor, b: Tensor, transA = false, transB = false): GemmDims {
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) throw new Error(`gemm: operands must be rank 2 or 3, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const M = transA ? ac : ar, K = transA ? ar : ac;
  const Kb = transB ? bc : br, N = transB ? br : bc;
  if (K !== Kb) throw new Error(`gemm: inner dimensions differ: ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''}`);
  const ba = a.rank === 3 ? a.shape[0] : 1, bb = b.rank === 3 ? b.shape[0] : 1;
  if (a.rank === 3 && b.rank === 3 && ba !== bb) throw new Error(`gemm: batch sizes differ: ${shapeStr(a.shape)}, ${shapeStr(b.shape)}`);
  const batch = Math.max(ba, bb);
  return { batch, M, N, K, strideA: a.rank === 3 ? M * K : 0, strideB: b.rank === 3 ? K * N : 0 };
}

export function gemm(a: Tensor, b: Tensor, opts: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 1 } = opts;
  const d = gemmDims(a, b, transA, transB);
  const outShape = a.rank === 3 || b.rank === 3 ? [d.batch, d.M, d.N] : [d.M, d.N];
  if (opts.bias && opts.bias.size !== (opts.biasPerRow ? d.M : d.N)) throw new Error(`gemm: bias ${shapeStr(opts.bias.shape)} does not fit C ${shapeStr(outShape)}`);
  let out: Tensor;
  if (opts.into) {
    if (opts.into.size !== d.batch * d.M * d.N) throw new Error(`gemm: into ${shapeStr(opts.into.shape)} is not ${shapeStr(outShape)}`);
    out = opts.into;
  } else {
    out = Tensor.empty(outShape);
  }
  if (d.batch * d.M * d.N === 0) return out;
  const e = engine();
  const bias = opts.bias ?? e.placeholder;
  const aligned = d.K % 4 === 0 && (!transA || d.M % 4 === 0) && (transB || d.N % 4 === 0) && d.strideA % 4 === 0 && d.strideB % 4 === 0;
  let variant = opts.variant ?? (e.adapter.adapterClass === 'gpu' ? 'tiled' : 'vec4');
  if (variant === 'vec4' && !aligned) variant = 'reg';
  const constants: Record<string, number | boolean> = {
    TRANS_A: transA,
    TRANS_B: transB,
    ACCUM: Boolean(opts.into),
    BIAS: opts.bias ? (opts.biasPerRow ? 2 : 1) : 0,
    RELU: Boolean(opts.relu),
  };
  const wg = variant === 'vec4' ? vec4Shape(d.M, d.N) : { WGX: REG.WGX, WGY: REG.WGY };
  const workgroups: [number, number, number] =
    variant === 'tiled'
      ? [ceilDiv(d.N, TILE), ceilDiv(d.M, TILE), d.batch]
      : variant === 'vec4'
        ? [ceilDiv(d.N, wg.WGX * VEC4.TN), ceilDiv(d.M, wg.WGY * VEC4.TM), d.batch]
        : [ceilDiv(d.N, REG.WGX * REG.TN), ceilDiv(d.M, REG.WGY * REG.TM), d.batch];
  if (variant === 'vec4') Object.assign(constants, wg);
  e.dispatch(
    { family: GEMM, entry: `gemm_${variant}`, constants },
    {
      uniforms: { M: d.M, N: d.N, K: d.K, strideA: d.strideA, strideB: d.strideB, strideC: d.M * d.N, alpha, beta },
      bindings: variant === 'vec4' ? { A4: a, B4: b, bias, C4: out } : { A: a, B: b, bias, C: out },
      workgroups,
    },
  );
  return out;
}
