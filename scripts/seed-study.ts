/**
 * `npm run seed-study -- --seed N`: how the default recipe generalises for one training seed, on
 * validation data only (README, "How stable is that result over training seeds?"). Trains AlexNet-M-SE
 * with the `quick` preset on the split's train part and reports, per epoch from `--xv-from` on, the
 * split's validation accuracy and loss and the accuracy on **xv**: `--xv` further synthetic records per
 * class (generator seeds 700000+, used by no split, test part or independent set), rendered in memory.
 * The end line gives xv at the epoch each rule would keep: highest validation accuracy, lowest validation
 * loss, last. The split's test part and the independent test set are never read.
 *
 * Options: --seed N (training seed, default 1), --epochs N (default: the preset's), --xv N (per class,
 * default 50), --xv-from N (first epoch scored on xv, default 10), --out DIR (default runs/seed-study-N).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderToTensorData } from '../src/ecg/render.js';
import { generateRecord } from '../src/ecg/synthetic.js';
import { NUM_CLASSES } from '../src/ecg/types.js';
import { init } from '../src/index.js';
import { createModel } from '../src/models/alexnet.js';
import { computeNormalisation, type ImageSet } from '../src/train/data.js';
import { prepareData } from '../src/train/prepare.js';
import { PRESETS } from '../src/train/presets.js';
import { isBetterEpoch, lossAndAccuracy, predictLogits, train } from '../src/train/trainer.js';

const XV_SEED = 700000;
const { values } = parseArgs({ options: { seed: { type: 'string' }, epochs: { type: 'string' }, xv: { type: 'string' }, 'xv-from': { type: 'string' }, out: { type: 'string' } } });
const count = (name: string, fallback: number): number => {
  const raw = values[name as keyof typeof values];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) { console.error(`seed-study: --${name} ${raw}: want a whole number ≥ 1`); process.exit(2); }
  return n;
};
const preset = PRESETS.quick;
const seed = count('seed', 1), epochs = count('epochs', preset.train.epochs), perClass = count('xv', 50), xvFrom = count('xv-from', 10);
const out = values.out ?? join('runs', `seed-study-${seed}`);

await init();
rmSync(out, { recursive: true, force: true });
const data = await prepareData({ out, level: preset.level, seed: 1, render: preset.render, progress: false, log: () => {} });
const norm = computeNormalisation(data.train);
const xvImages: Float32Array[] = [], xvLabels: number[] = [];
for (let c = 0; c < NUM_CLASSES; c++) for (let i = 0; i < perClass; i++) { xvImages.push(renderToTensorData(generateRecord(c, XV_SEED + i), preset.render)); xvLabels.push(c); }
const xv: ImageSet = { count: xvImages.length, shape: data.train.shape, image: (i) => xvImages[i], label: (i) => xvLabels[i], name: (i) => `xv${i}` };
const accuracyOn = async (set: ImageSet, labels: number[]) => lossAndAccuracy(await predictLogits(model, set, norm), labels, NUM_CLASSES).acc;

const model = createModel({ ...preset.model, architecture: 'alexnet-m-se', seed });
const xvAt = new Map<number, number>();
console.log(`seed-study: AlexNet-M-SE, preset quick, training seed ${seed}, ${epochs} epochs; xv ${xvImages.length} records from epoch ${xvFrom}`);
const r = await train(model, data.train, data.val, norm, {
  ...preset.train, epochs, seed, dir: join(out, 'alexnet-m-se'),
  // After the last step of an epoch the weights are that epoch's: score them on xv here.
  onStep: async (s) => { if (s.batch === s.batches && s.epoch >= xvFrom) xvAt.set(s.epoch, await accuracyOn(xv, xvLabels)); },
  onEpoch: (e) => console.log(`epoch ${e.epoch}: val acc ${e.valAcc.toFixed(3)} loss ${e.valLoss.toFixed(4)}${xvAt.has(e.epoch) ? `  xv ${xvAt.get(e.epoch)!.toFixed(3)}` : ''}`),
});
model.dispose();
const h = r.state.history;
// The epoch each of the trainer's rules keeps, by the trainer's own comparison.
const keptBy = (rule: 'val-accuracy' | 'val-loss') =>
  h.reduce((b, e) => (isBetterEpoch({ acc: e.valAcc, loss: e.valLoss }, { bestValAcc: b.valAcc, bestValLoss: b.valLoss }, rule) ? e : b)).epoch;
const byAcc = keptBy('val-accuracy'), byLoss = keptBy('val-loss');
const show = (epoch: number) => `epoch ${epoch} xv ${xvAt.has(epoch) ? xvAt.get(epoch)!.toFixed(3) : `— (before --xv-from ${xvFrom})`}`;
console.log(`seed ${seed}: highest val accuracy ${show(byAcc)} | lowest val loss ${show(byLoss)} | last ${show(h.length)}`);
