/**
 * How the `demo` preset (the browser demo's Train page) was chosen: trains one architecture in Node on
 * the records the page generates (same seeds, same train/validation/test parts: 5 test records per
 * class), with the preset's settings or overrides, and prints each epoch and the test accuracy.
 *
 *   npx tsx scripts/demo-preset-probe.ts [--arch alexnet-m-se|alexnet] [--per-class N] [--epochs N]
 *        [--lr X] [--batch N] [--width PX] [--dropout P]
 *
 * Figures and the settings tried: docs/demo-train-bench.md.
 */
import { init } from '../src/engine/engine.js';
import { readableTwelveLead } from '../src/ecg/quality.js';
import { renderToTensorData } from '../src/ecg/render.js';
import { generateRecord } from '../src/ecg/synthetic.js';
import { NUM_CLASSES } from '../src/ecg/types.js';
import { createModel, type Architecture } from '../src/models/alexnet.js';
import { computeNormalisation, type ImageSet } from '../src/train/data.js';
import { argmax } from '../src/train/eval/index.js';
import { getPreset } from '../src/train/presets.js';
import { predictLogits, train } from '../src/train/trainer.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const preset = getPreset('demo');
const arch = (args.get('arch') ?? 'alexnet-m-se') as Architecture;
// The page's default records per class (web/demo/index.html); its epochs are the preset's.
const perClass = num('per-class', 20), epochs = num('epochs', preset.train.epochs);
const width = num('width', preset.render.width!), height = preset.render.height!;
const render = { ...preset.render, width };

/** The page's record seeds (web/demo/train-worker.ts: recordIds, seed 1). */
function ids(n: number, offset: number) {
  const out: { cls: number; seed: number }[] = [];
  for (let i = 0; i < n; i++) for (let cls = 0; cls < NUM_CLASSES; cls++) out.push({ cls, seed: 1_000_003 + offset + i * NUM_CLASSES + cls });
  return out;
}
function set(list: { cls: number; seed: number }[]): ImageSet {
  const images = list.map(({ cls, seed }) => renderToTensorData(readableTwelveLead(generateRecord(cls, seed), render).record, render));
  return { count: list.length, shape: [render.channels!, height, width], image: (i) => images[i], label: (i) => list[i].cls, name: (i) => `synthetic ${i}` };
}

const t0 = performance.now();
const [trainSet, valSet, testSet] = [set(ids(perClass, 0)), set(ids(Math.max(2, Math.round(perClass / 4)), 100_000)), set(ids(5, 200_000))];
const renderS = (performance.now() - t0) / 1000;
await init();
const norm = computeNormalisation(trainSet);
const model = createModel({ ...preset.model, inputWidth: width, dropout: num('dropout', preset.model.dropout), architecture: arch, seed: 1 });
const t1 = performance.now();
await train(model, trainSet, valSet, norm, {
  ...preset.train, epochs, lr: num('lr', preset.train.lr), batchSize: num('batch', preset.train.batchSize), seed: 1,
  onEpoch: (e) => console.log(`  epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(3)} acc ${e.trainAcc.toFixed(2)}, validation ${e.valAcc.toFixed(2)}, ${e.imagesPerSecond.toFixed(1)} images/s`),
});
const trainS = (performance.now() - t1) / 1000;
const pred = argmax(await predictLogits(model, testSet, norm), NUM_CLASSES);
const acc = pred.filter((p, i) => p === testSet.label(i)).length / pred.length;
console.log(`${arch}, ${perClass} per class, ${epochs} epochs, ${height}×${width}: test accuracy ${acc.toFixed(2)} on ${testSet.count} records; drawing ${renderS.toFixed(0)} s, training ${trainS.toFixed(0)} s`);
process.exit(0);
