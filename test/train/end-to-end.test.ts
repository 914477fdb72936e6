/**
 * Both models end to end on a tiny preset: the loss goes down on a fixed batch; a run stopped after one
 * epoch and resumed ends with exactly the weights of an uninterrupted run; a saved model file reloads and
 * predicts the same logits.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { backward, softmaxCrossEntropy } from '../../src/autograd/index.js';
import { createModel, type Architecture } from '../../src/models/alexnet.js';
import { loadModel, saveModel } from '../../src/models/model-file.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { Adam } from '../../src/optim/index.js';
import { computeNormalisation, makeBatch } from '../../src/train/data.js';
import { predictLogits, train } from '../../src/train/trainer.js';
import { preset, S, trainerFixture } from './memory-set.js';

const fx = trainerFixture([2, 11], [1, 5000], 'ecgpu-e2e-');

const config = (architecture: Architecture) => ({ ...preset.model, architecture, seed: 3 });
const archs: Architecture[] = ['alexnet', 'alexnet-m-se'];

describe.each(archs)('%s', (arch) => {
  it('loss goes down on a fixed batch', async () => {
    // Memorising one batch shows that gradients flow through every layer; dropout would only add noise.
    const model = createModel({ ...config(arch), dropout: 0 });
    const norm = computeNormalisation(fx.trainSet);
    const { x, y } = makeBatch(fx.trainSet, [...Array(8).keys()].map((i) => i * 2), norm);
    const opt = new Adam(model.parameters(), { lr: 2e-3 });
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      model.setStep(step);
      const loss = tidy(() => {
        const l = softmaxCrossEntropy(model.forward(Tensor.from(x, [8, 1, S, S])), Tensor.from(y, [8], 'i32'));
        backward(l);
        opt.step();
        opt.zeroGrad();
        return l.keep();
      });
      losses.push((await loss.read())[0]);
      loss.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
    opt.disposeState();
    model.dispose();
  });

  it('a run stopped after one epoch and resumed ends with the weights of an uninterrupted run', async () => {
    const norm = computeNormalisation(fx.trainSet);
    const opts = { ...preset.train, epochs: 2, seed: 9, augment: { shift: 0.03, crop: 0.05, amplitude: 0.1, noise: 0.01 } };
    const straight = createModel(config(arch));
    await train(straight, fx.trainSet, fx.valSet, norm, { ...opts, dir: fx.tmp() });
    const dir = fx.tmp();
    const first = createModel(config(arch));
    const r1 = await train(first, fx.trainSet, fx.valSet, norm, { ...opts, dir, stopAfterEpochs: 1 });
    expect(r1.state.epochsDone).toBe(1);
    first.dispose(); // the process "dies"
    const resumed = createModel(config(arch));
    const r2 = await train(resumed, fx.trainSet, fx.valSet, norm, { ...opts, dir, resume: true });
    expect(r2.state.epochsDone).toBe(2);
    const a = straight.namedTensors(), b = resumed.namedTensors();
    for (let i = 0; i < a.length; i++) {
      const [va, vb] = [await a[i][1].read(), await b[i][1].read()];
      expect(Buffer.from(vb.buffer).equals(Buffer.from(va.buffer)), `${a[i][0]} differs`).toBe(true);
    }
    straight.dispose();
    resumed.dispose();
  });

  it('a saved model reloads and predicts the same logits', async () => {
    const model = createModel(config(arch));
    const norm = computeNormalisation(fx.trainSet);
    await train(model, fx.trainSet, fx.valSet, norm, { ...preset.train, epochs: 1, seed: 4 });
    const before = await predictLogits(model, fx.valSet, norm);
    const bytes = await saveModel(model, { classNames: [...CLASS_NAMES], input: { render: { ...preset.render }, ...norm }, calibration: { temperature: 1, thresholds: [] } });
    const { model: reloaded, meta } = loadModel(bytes);
    expect(meta.config).toEqual(model.config);
    const after = await predictLogits(reloaded, fx.valSet, norm);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    model.dispose();
    reloaded.dispose();
  });
});
