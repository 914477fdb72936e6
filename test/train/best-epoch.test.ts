/**
 * Which epoch is "the best" (best.ckpt, what the test split is evaluated with): the highest validation
 * accuracy by default, the lowest validation loss with `bestBy: 'val-loss'` (the default preset's rule).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/models/alexnet.js';
import { readCheckpointState } from '../../src/train/checkpoint.js';
import { computeNormalisation } from '../../src/train/data.js';
import { PRESETS } from '../../src/train/presets.js';
import { isBetterEpoch, train, type TrainerState } from '../../src/train/trainer.js';
import { preset, trainerFixture } from './memory-set.js';

const fx = trainerFixture([1, 2], [1, 5000], 'ecgpu-best-epoch-');

describe('best epoch', () => {
  it('by accuracy: higher accuracy wins, a tie goes to the lower loss; by loss: only the loss counts', () => {
    const best = { bestValAcc: 0.9, bestValLoss: 0.2 };
    expect(isBetterEpoch({ acc: 0.92, loss: 0.5 }, best, 'val-accuracy')).toBe(true);
    expect(isBetterEpoch({ acc: 0.9, loss: 0.19 }, best, 'val-accuracy')).toBe(true);
    expect(isBetterEpoch({ acc: 0.9, loss: 0.2 }, best, 'val-accuracy')).toBe(false);
    expect(isBetterEpoch({ acc: 0.92, loss: 0.5 }, best, 'val-loss')).toBe(false);
    expect(isBetterEpoch({ acc: 0.5, loss: 0.19 }, best, 'val-loss')).toBe(true);
    expect(isBetterEpoch({ acc: 1, loss: 0.2 }, best, 'val-loss')).toBe(false);
    expect(PRESETS.quick.train.bestBy).toBe('val-loss');
    expect(PRESETS.paper.train.bestBy).toBeUndefined(); // the paper's preset keeps the accuracy rule
  });

  it('a run with bestBy val-loss keeps the epoch of the lowest validation loss in best.ckpt', async () => {
    const norm = computeNormalisation(fx.trainSet);
    const model = createModel({ ...preset.model, architecture: 'alexnet', seed: 3 });
    const dir = fx.tmp();
    const r = await train(model, fx.trainSet, fx.valSet, norm, { ...preset.train, epochs: 4, lr: 3e-3, seed: 3, dir, bestBy: 'val-loss' });
    model.dispose();
    const losses = r.state.history.map((e) => e.valLoss);
    const argmin = losses.indexOf(Math.min(...losses)) + 1;
    expect(r.state.bestEpoch).toBe(argmin);
    expect(r.state.bestValLoss).toBe(losses[argmin - 1]);
    expect(r.state.bestValAcc).toBe(r.state.history[argmin - 1].valAcc);
    expect(readCheckpointState<TrainerState>(join(dir, 'best.ckpt')).epochsDone).toBe(argmin);
  }, 120_000);
});
