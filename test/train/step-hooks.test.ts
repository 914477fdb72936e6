/** The trainer's per-step and per-epoch hooks (the browser demo's live charts, pause and stop). */
import { describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { createModel } from '../../src/models/alexnet.js';
import { computeNormalisation, type ImageSet } from '../../src/train/data.js';
import { train, type EpochLog, type StepInfo } from '../../src/train/trainer.js';
import { NO_AUGMENT } from '../../src/train/augment.js';
import { mulberry32 } from '../../src/reference/random.js';

function randomSet(n: number, seed: number): ImageSet {
  const rand = mulberry32(seed);
  const images = Array.from({ length: n }, () => Float32Array.from({ length: 64 * 64 }, () => rand()));
  return { count: n, shape: [1, 64, 64], image: (i) => images[i], label: (i) => i % 10, name: (i) => `r${i}` };
}

describe('trainer hooks', () => {
  it('reports every step and epoch, waits on a pending step hook, and stops when asked', async () => {
    await gpu();
    const set = randomSet(12, 3);
    const norm = computeNormalisation(set);
    const opts = { epochs: 3, batchSize: 4, optimizer: 'adam' as const, lr: 1e-3, weightDecay: 0, schedule: 'constant' as const, warmupEpochs: 0, augment: NO_AUGMENT, seed: 2 };
    const config = { architecture: 'alexnet-m-se' as const, inputSize: 64, inChannels: 1, numClasses: 10, width: 0.0625, fcWidth: 8, dropout: 0, seReduction: 2, seed: 1 };
    const steps: StepInfo[] = [], epochs: EpochLog[] = [];
    let waited = 0;
    const model = createModel(config);
    const r = await train(model, set, set, norm, {
      ...opts,
      onStep: async (s) => {
        steps.push(s);
        if (s.step === 2) await new Promise((res) => setTimeout(() => { waited++; res(undefined); }, 30)); // a pause
        return s.step === 5 ? 'stop' : undefined;
      },
      onEpoch: (e) => epochs.push(e),
    });
    expect(steps.map((s) => [s.epoch, s.batch, s.batches, s.step])).toEqual([[1, 1, 3, 1], [1, 2, 3, 2], [1, 3, 3, 3], [2, 1, 3, 4], [2, 2, 3, 5]]);
    expect(steps[2].seen).toBe(12);
    expect(steps.every((s) => Number.isFinite(s.loss) && s.imagesPerSecond > 0)).toBe(true);
    expect(waited).toBe(1);
    expect(epochs.map((e) => e.epoch)).toEqual([1]);
    expect(r.stopped).toBe(true);
    expect(r.state.step).toBe(5);
    expect(r.state.epochsDone).toBe(1);
    model.dispose();
  });
});
