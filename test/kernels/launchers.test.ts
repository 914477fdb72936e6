/**
 * Every entry point of every kernel family is dispatched by its launcher with the names its WGSL
 * declares: each launcher branch runs once on small tensors (every dispatch is checked against the
 * reflected contract, and the device reports no validation error), and the pipelines compiled cover
 * every entry point in src/kernels/contracts.generated.ts. Numerics are the op table's and the kernel
 * tests' business; this is about the names. Also: a dispatch that does not match its entry point
 * throws before anything is recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { engine } from '../../src/engine/engine.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { contracts } from '../../src/kernels/contracts.generated.js';
import { kernelFamily } from '../../src/kernels/sources.js';
import { bnApply, bnBackward, bnStats } from '../../src/kernels/batchnorm.js';
import { addChannel, expandMiddle } from '../../src/kernels/broadcast.js';
import { conv2dBackwardData, conv2dBackwardWeights, conv2dBiasGrad, conv2dForward } from '../../src/kernels/conv2d.js';
import { dropoutKernel } from '../../src/kernels/dropout.js';
import { binaryKernel, unaryKernel } from '../../src/kernels/elementwise.js';
import { gemm } from '../../src/kernels/gemm.js';
import { lrnBackward, lrnForward } from '../../src/kernels/lrn.js';
import { adamUpdate, sgdUpdate } from '../../src/kernels/optim.js';
import { adaptiveAvgPoolBackward, adaptiveAvgPoolForward, maxPoolBackward, maxPoolBackwardGather, maxPoolForward } from '../../src/kernels/pool.js';
import { sumMiddle } from '../../src/kernels/reduce.js';
import { channelScaleKernel, globalAvgPoolBackward, globalAvgPoolForward, planeDot } from '../../src/kernels/se.js';
import { crossEntropyBackward, crossEntropyForward, softmaxBackward, softmaxForward } from '../../src/kernels/softmax.js';
import { bceBackward, bceForward } from '../../src/kernels/bce.js';
import { fmaProbe } from '../../src/kernels/fmaprobe.js';

beforeAll(async () => {
  await gpu();
});

const rand = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.from(Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + 0.1), shape);
};

/** Runs every launcher branch once. */
function exerciseAll(): void {
  tidy(() => {
    // batchnorm: rows (n·hw < 256) and workgroup reductions, scalar (size % 4 ≠ 0) and vec4 applies.
    for (const shape of [[2, 3, 3, 3], [2, 3, 16, 16]]) {
      const x = rand(shape), gamma = rand([3]), beta = rand([3]);
      const running = { mean: rand([3]), var: Tensor.from([1, 1, 1], [3]) };
      const { mean, var: v } = bnStats(x, running, 0.1, 1e-5);
      bnApply(x, mean, v, gamma, beta, 1e-5);
      bnBackward(rand(shape), x, mean, v, gamma, 1e-5, true);
    }
    // broadcast
    expandMiddle(rand([2, 3]), 2, 4, 3, [2, 4, 3]);
    addChannel(rand([2, 3, 5]), rand([3]));
    // conv2d: padded stride 1 (conv_pad, conv_forward, conv_wflip), stride 2 (conv_backward_data).
    for (const stride of [1, 2]) {
      const x = rand([2, 3, 7, 7]), w = rand([4, 3, 3, 3]);
      const y = conv2dForward(x, w, rand([4]), { stride, pad: 1 }, { relu: true });
      conv2dBackwardData(y, w, x.shape, { stride, pad: 1 });
      conv2dBackwardWeights(x, y, w.shape, { stride, pad: 1 });
      conv2dBiasGrad(y);
    }
    // dropout: scalar and vec4
    dropoutKernel(rand([7]), 0.5, 3);
    dropoutKernel(rand([8]), 0.5, 3);
    // elementwise
    unaryKernel('relu', rand([5]), [5]);
    unaryKernel('fill', null, [5], 2);
    binaryKernel('add', rand([5]), rand([5]));
    // gemm: every variant
    for (const variant of ['vec4', 'reg', 'tiled'] as const) gemm(rand([8, 12]), rand([12, 16]), { variant, bias: rand([16]), relu: true });
    // lrn: ring backward (size ≤ 15) and the general one
    for (const size of [5, 17]) {
      const x = rand([1, 20, 2, 2]);
      lrnForward(x, { size, alpha: 1e-4, beta: 0.75, k: 2 });
      lrnBackward(x, rand([1, 20, 2, 2]), { size, alpha: 1e-4, beta: 0.5, k: 2 });
    }
    // optimisers
    const p = rand([10]), g = rand([10]);
    const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true, first: true };
    sgdUpdate(p, g, null, { ...sgd, momentum: 0 });
    sgdUpdate(p, g, rand([10]), sgd);
    adamUpdate(p, g, rand([10]), Tensor.from(new Float32Array(10).fill(1), [10]), { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1, decoupled: true });
    // pooling: unpadded (baked window) and padded forward, scatter and gather backward, zero4 and fill zeroing
    for (const [pad, h] of [[0, 8], [1, 7]] as const) {
      const x = rand([1, 2, h, h]);
      const geom = { kernel: [3, 3] as [number, number], stride: [2, 2] as [number, number], pad: [pad, pad] as [number, number] };
      const { out, argmax } = maxPoolForward(x, geom);
      maxPoolBackward(out, argmax, x.shape, geom);
      maxPoolBackwardGather(out, argmax, x.shape, geom);
    }
    const a = adaptiveAvgPoolForward(rand([1, 2, 5, 5]), 2, 2);
    adaptiveAvgPoolBackward(a, [1, 2, 5, 5], 2, 2);
    // reduce: serial and tree
    sumMiddle(rand([2, 3, 4]), 2, 3, 4, [2, 4]);
    sumMiddle(rand([1, 1000, 1]), 1, 1000, 1, [1]);
    // squeeze-and-excitation pieces, scalar and vec4
    for (const shape of [[2, 3, 3, 3], [2, 3, 2, 2]]) {
      const x = rand(shape);
      const m = globalAvgPoolForward(x);
      globalAvgPoolBackward(m, shape);
      channelScaleKernel(x, m);
      planeDot(x, x, [2, 3]);
    }
    // softmax and cross-entropy
    const logits = rand([3, 4]), labels = Tensor.from([0, 3, 1], [3], 'i32');
    softmaxBackward(softmaxForward(logits), rand([3, 4]));
    const { probs, losses } = crossEntropyForward(logits, labels);
    crossEntropyBackward(probs, labels, losses, 1 / 3, true);
    // sigmoid binary cross-entropy
    const targets = Tensor.from([1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0], [3, 4]);
    bceBackward(logits, targets, bceForward(logits, targets), 1 / 12, true);
    // the bench's arithmetic-ceiling probe, both forms
    fmaProbe({ workgroups: 1, iters: 1 });
    fmaProbe({ workgroups: 1, iters: 1, looped: true });
  });
}

describe('kernel launchers', () => {
  it('dispatch every entry point of every family by the names its WGSL declares', async () => {
    exerciseAll();
    await engine().sync(); // throws on any device validation error
    const compiled = new Set(engine().pipelines.keys().map((k) => k.slice(0, k.indexOf('['))));
    const missing = Object.entries(contracts).flatMap(([family, c]) => Object.keys(c.entries).map((e) => `${family}/${e}`)).filter((k) => !compiled.has(k));
    expect(missing, 'entry points no launcher dispatched').toEqual([]);
  });

  it('refuse a dispatch that does not match the entry point, before recording anything', async () => {
    const e = engine();
    const GEMM = kernelFamily('gemm');
    const x = rand([4, 4]);
    const uniforms = { M: 4, N: 4, K: 4, strideA: 0, strideB: 0, strideC: 16, alpha: 1, beta: 0 };
    const bindings = { A: x, B: x, bias: e.placeholder, C: x };
    await e.sync();
    const before = { dispatches: e.dispatches, compiled: e.pipelines.compiled };
    const tries: [() => void, string][] = [
      [() => e.dispatch({ family: GEMM, entry: 'gemm_fast' }, { uniforms, bindings, workgroups: [1] }), "kernel gemm: no entry point 'gemm_fast'"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_reg' }, { uniforms: { ...uniforms, alpha: undefined! }, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_reg, uniform field 'alpha': missing"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_reg' }, { uniforms: { ...uniforms, lda: 4 }, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_reg, uniform field 'lda': not a field of Params"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_reg' }, { uniforms: { ...uniforms, M: 2.5 }, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_reg, uniform field 'M': 2.5 is not a u32"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_reg', constants: { TILE: 4 } }, { uniforms, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_reg, override constant 'TILE' is not declared by the shader"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_tiled', constants: { WGX: 4 } }, { uniforms, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_tiled, override constant 'WGX' is not used by this entry point"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_vec4' }, { uniforms, bindings, workgroups: [1] }), "kernel gemm, entry point gemm_vec4, binding 'A4': missing"],
      [() => e.dispatch({ family: GEMM, entry: 'gemm_reg' }, { uniforms, bindings: { ...bindings, D: x }, workgroups: [1] }), "kernel gemm, entry point gemm_reg, binding 'D': not declared by the entry point"],
    ];
    for (const [attempt, message] of tries) expect(attempt).toThrow(message);
    expect({ dispatches: e.dispatches, compiled: e.pipelines.compiled }).toEqual(before);
    await e.sync();
  });
});
