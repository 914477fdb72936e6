/**
 * The bench's rows of the default preset's convolutions (bench/cases/kernels.ts presetConvs) are the
 * convolutions the default's network runs: the same channels, kernel, stride, padding, batch and
 * input sizes as each Conv2d of the model built from the preset meets in a forward pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConvs } from '../../bench/cases/kernels.js';
import { presetSetup } from '../../bench/cases/models.js';
import { initEcgpu } from '../../bench/peers/ecgpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { noGrad } from '../../src/autograd/index.js';
import { createModel } from '../../src/models/alexnet.js';
import { Conv2d } from '../../src/models/layers.js';
import { PRESETS } from '../../src/train/presets.js';

beforeAll(async () => { await initEcgpu(); }, 60_000);

describe('presetConvs', () => {
  for (const arch of ['alexnet', 'alexnet-m-se'] as const) {
    it(`matches the convolutions of ${arch} at the default preset`, () => {
      const setup = presetSetup(arch);
      const model = createModel(setup.config);
      const seen: { cin: number; cout: number; k: number; stride: number; pad: number; h: number; w: number }[] = [];
      try {
        tidy(() => noGrad(() => {
          const shape = [1, setup.config.inChannels, setup.config.inputHeight!, setup.config.inputWidth!];
          let x = Tensor.from(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
          for (const m of model.features.layers) {
            if (m instanceof Conv2d) seen.push({ cin: m.cin, cout: m.cout, k: m.kernel, stride: m.stride, pad: m.pad, h: x.shape[2], w: x.shape[3] });
            x = m.forward(x);
          }
        }));
      } finally {
        model.dispose();
      }
      const rows = presetConvs();
      expect(rows.map(({ cin, cout, k, stride, pad, h, w }) => ({ cin, cout, k, stride, pad, h, w: w ?? h }))).toEqual(seen);
      for (const r of rows) expect(r.n).toBe(PRESETS.quick.train.batchSize);
    });
  }
});
