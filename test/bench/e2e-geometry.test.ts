/**
 * The end-to-end bench rows at non-square, multi-channel inputs (the default preset's kind of geometry):
 * the bench's FLOP count against the model's own, tfjs's mirror of adaptive average pooling against the
 * float64 reference, and a training step cross-checked between ecgpu and tfjs-wasm where the trunk
 * ends wider than 6 (so the adaptive pool is not the identity).
 */
// Must come first, as in bench/run.ts: defines navigator.gpu before tfjs is loaded.
import '../../bench/peers/gpu-globals.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchConfig, e2eCase, flopsOf, adaptiveWindows, poolNearTies, presetSetup, tfAdaptiveAvgPool, type Extracted } from '../../bench/cases/models.js';
import { crossCheck, nchwToNhwc, nhwcToNchw, randomArray, type Runner } from '../../bench/cases/common.js';
import { initEcgpu } from '../../bench/peers/ecgpu.js';
import { loadTfjs, usePeer, type TF } from '../../bench/peers/tfjs.js';
import { createModel } from '../../src/models/alexnet.js';
import { adaptiveAvgPoolRef } from '../../src/reference/pool.js';

const ARCHS = ['alexnet', 'alexnet-m-se'] as const;
/** 12 lead planes of 64×256 (trunk ends at 1×7, pooled to 1×6 by uniform windows) and 64×320 (1×9 → 1×6, windows of uneven stride). */
const geometry = (inputWidth: number) => ({ inputSize: 64, inputHeight: 64, inputWidth, inChannels: 12, numClasses: 10, width: 0.125, fcWidth: 32, seReduction: 8 });

let tf: TF;
beforeAll(async () => {
  await initEcgpu();
  tf = await loadTfjs();
}, 60_000);

describe('bench flopsOf', () => {
  it('matches AlexNet.flopsPerImage for non-square multi-channel inputs and the default preset', () => {
    const configs = [
      ...ARCHS.flatMap((a) => [benchConfig(a, geometry(256)), benchConfig(a, geometry(320)), benchConfig(a, { ...geometry(200), inputHeight: 120, inChannels: 3, width: 0.25 })]),
      ...ARCHS.map((a) => presetSetup(a).config),
    ];
    for (const c of configs) {
      const model = createModel(c);
      try {
        expect(flopsOf(c), `${c.architecture} ${c.inChannels}×${c.inputHeight ?? c.inputSize}×${c.inputWidth ?? c.inputSize}`).toBe(model.flopsPerImage);
      } finally {
        model.dispose();
      }
    }
  });
});

describe('tfjs mirror of adaptive average pooling', () => {
  it('equals the float64 reference for uniform and uneven windows', async () => {
    await usePeer(tf, 'tfjs-cpu');
    // [H, W] → [OH, OW]: 1×7→1×6 and 13×13→6×6 are uniform (one avgPool); 1×9→1×6 and 7×9→6×6 are not.
    for (const [h, w, oh, ow] of [[1, 7, 1, 6], [13, 13, 6, 6], [1, 9, 1, 6], [7, 9, 6, 6], [5, 11, 3, 4]]) {
      const shape = [2, 3, h, w];
      const x = randomArray(2 * 3 * h * w, h * 100 + w);
      const ref = adaptiveAvgPoolRef({ data: Float64Array.from(x), shape }, oh, ow);
      const y = tf.tidy(() => tfAdaptiveAvgPool(tf, tf.tensor4d(nchwToNhwc(x, shape), [2, h, w, 3]), adaptiveWindows(h, oh), adaptiveWindows(w, ow)));
      expect(y.shape).toEqual([2, oh, ow, 3]);
      const got = nhwcToNchw(await y.data(), y.shape);
      y.dispose();
      expect(crossCheck(ref.data, got).maxAbs, `${h}×${w}→${oh}×${ow}`).toBeLessThan(1e-6);
    }
  });
});

describe('max-pool near-tie count', () => {
  it('counts windows whose two largest inputs are within 1e-6, not exact zeros or clear maxima', async () => {
    await usePeer(tf, 'tfjs-cpu');
    const net: Extracted = { layers: [{ kind: 'maxpool', k: 3, s: 2 }], tensors: [], conv1: -1 };
    // One 1×5×5×2 input: pool windows at (0,0), (0,2), (2,0), (2,2) per channel.
    const x = new Float32Array(50).fill(0.1);
    const at = (i: number, j: number, ch: number) => (i * 5 + j) * 2 + ch;
    x[at(0, 0, 0)] = 0.7247400; x[at(1, 1, 0)] = 0.7247396; // near-tie in window (0,0), channel 0
    x[at(4, 4, 0)] = 0.9; // clear maximum in window (2,2)
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) x[at(i, j, 1)] = 0; // channel 1: all zero (ReLU'd off)
    const xt = tf.tensor4d(x, [1, 5, 5, 2]);
    // Windows (0,2), (2,0) of channel 0 hold only equal 0.1 values: exact ties count too.
    expect(await poolNearTies(tf, net, [], xt)).toBe(3);
    xt.dispose();
  });
});

describe('training step at 12×64×W against tfjs-wasm', () => {
  for (const inputWidth of [256, 320]) {
    for (const arch of ARCHS) {
      it(`${arch} 12×64×${inputWidth}: same loss and conv1 weight gradient`, async () => {
        const setup = { batch: 2, config: benchConfig(arch, geometry(inputWidth)), title: 'test', group: 'test' };
        const c = e2eCase(tf, setup, true);
        const run = async (peer: 'ecgpu' | 'tfjs-wasm') => {
          if (peer !== 'ecgpu') expect(await usePeer(tf, peer)).toBe(true);
          const made = await c.make[peer]!();
          if ('na' in made) throw new Error(`${peer}: ${made.na}`);
          const r: Runner = made;
          try {
            await r.step(); // one timed-style step runs through the update path too
            return { dw: await r.output(), loss: (await r.extra!()).loss };
          } finally {
            r.dispose();
          }
        };
        const e = await run('ecgpu'), p = await run('tfjs-wasm');
        expect(e.dw.length).toBe(p.dw.length);
        expect(Math.abs(e.loss - p.loss), `loss ${e.loss} vs ${p.loss}`).toBeLessThan(1e-4);
        expect(crossCheck(e.dw, p.dw).maxRel).toBeLessThan(1e-4);
      }, 60_000);
    }
  }
});
