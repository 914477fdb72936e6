/**
 * last.ckpt and best.ckpt stay a consistent pair under a kill at any instant: a run is killed right after
 * each of its checkpoint writes in turn, resumed, and must end with the uninterrupted run's final and
 * best weights. Bad checkpoints are refused with a CheckpointError naming the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel, type AlexNet } from '../../src/models/alexnet.js';
import { CheckpointError, loadCheckpointWeights, readCheckpointState } from '../../src/train/checkpoint.js';
import { computeNormalisation } from '../../src/train/data.js';
import { train, type TrainerState } from '../../src/train/trainer.js';
import { preset, trainerFixture } from './memory-set.js';

class Killed extends Error {}
const fx = trainerFixture([1, 21], [1, 7000], 'ecgpu-ckpt-');

const config = { ...preset.model, architecture: 'alexnet-m-se' as const, seed: 5 };
const opts = { ...preset.train, epochs: 2, lr: 3e-3, seed: 2 };
const weights = async (m: AlexNet) => Promise.all(m.namedTensors().map(async ([n, t]) => [n, Buffer.from((await t.read()).buffer)] as const));
async function bestWeights(dir: string) {
  const m = createModel(config);
  loadCheckpointWeights(join(dir, 'best.ckpt'), m);
  const w = await weights(m);
  m.dispose();
  return w;
}
const same = (a: (readonly [string, Buffer])[], b: (readonly [string, Buffer])[]) => a.every(([n, x], i) => b[i][0] === n && x.equals(b[i][1]));

describe('checkpoint pair under a kill after every write', () => {
  it('resumes to the uninterrupted final and best weights, whichever write the kill followed', async () => {
    const norm = computeNormalisation(fx.trainSet);
    const writes: string[] = [];
    const refDir = fx.tmp();
    const ref = createModel(config);
    const refResult = await train(ref, fx.trainSet, fx.valSet, norm, { ...opts, dir: refDir, afterCheckpointWrite: (f) => writes.push(basename(f)) });
    const refFinal = await weights(ref), refBest = await bestWeights(refDir);
    ref.dispose();
    // The interesting window (best.ckpt written, last.ckpt not yet) must occur after a first epoch.
    expect(writes.slice(2)).toContain('best.ckpt');
    expect(refResult.state.bestEpoch).toBeGreaterThan(1);
    for (let n = 1; n <= writes.length; n++) {
      const dir = fx.tmp();
      let count = 0;
      const dying = createModel(config);
      await expect(train(dying, fx.trainSet, fx.valSet, norm, {
        ...opts, dir, afterCheckpointWrite: () => { if (++count === n) throw new Killed(`killed after write ${n}`); },
      })).rejects.toThrow(Killed);
      dying.dispose();
      const resumed = createModel(config);
      const r = await train(resumed, fx.trainSet, fx.valSet, norm, { ...opts, dir, resume: true });
      expect(r.state.bestEpoch, `kill after write ${n} (${writes[n - 1]})`).toBe(refResult.state.bestEpoch);
      expect(readCheckpointState<TrainerState>(join(dir, 'best.ckpt')).epochsDone).toBe(refResult.state.bestEpoch);
      expect(same(await weights(resumed), refFinal), `final weights after a kill at write ${n}`).toBe(true);
      expect(same(await bestWeights(dir), refBest), `best weights after a kill at write ${n}`).toBe(true);
      resumed.dispose();
    }
  }, 300_000);

  it('refuses bad checkpoints and an inconsistent pair with a CheckpointError naming the file', async () => {
    const norm = computeNormalisation(fx.trainSet);
    const dir = fx.tmp();
    const m = createModel(config);
    await train(m, fx.trainSet, fx.valSet, norm, { ...opts, epochs: 1, dir });
    m.dispose();
    const last = join(dir, 'last.ckpt');
    const good = readFileSync(last);
    const resume = async (bytes: Uint8Array | null, o: Partial<typeof opts> = {}) => {
      if (bytes) writeFileSync(last, bytes);
      const model = createModel(config);
      try { await train(model, fx.trainSet, fx.valSet, norm, { ...opts, ...o, dir, resume: true }); } finally { model.dispose(); }
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /bad magic/],
      ['truncated', good.subarray(0, good.length - 100), /truncated at tensor/],
      ['broken JSON', Buffer.concat([good.subarray(0, 12), Buffer.from('}'), good.subarray(13)]), /header is not valid JSON/],
      ['trailing bytes', Buffer.concat([good, Buffer.alloc(8)]), /8 bytes after the last tensor/],
    ];
    for (const [what, bytes, re] of cases) {
      const err = await resume(bytes).catch((e) => e);
      expect(err, what).toBeInstanceOf(CheckpointError);
      expect(err.message, what).toMatch(re);
      expect(err.message.startsWith(last), what).toBe(true);
    }
    await expect(resume(good, { optimizer: 'sgd' })).rejects.toThrow(/last\.ckpt: checkpoint is for adam, this is sgd/);
    // A best.ckpt that does not hold the epoch last.ckpt names (as an older ecgpu could leave it).
    const state = readCheckpointState<TrainerState>(last);
    const header = JSON.parse(good.toString('utf8', 12, 12 + good.readUInt32LE(8)));
    header.trainer = { ...state, bestEpoch: 3 };
    const json = Buffer.from(JSON.stringify(header));
    const pre = Buffer.alloc(12); good.copy(pre, 0, 0, 8); pre.writeUInt32LE(json.length, 8);
    await expect(resume(Buffer.concat([pre, json, good.subarray(12 + good.readUInt32LE(8))]))).rejects.toThrow(/best\.ckpt: holds epoch 1, but .*last\.ckpt names epoch 3 as the best/);
  }, 120_000);
});
