/**
 * The fine-tuning behind the demo's Adapt page, in Node on the engine's WebGPU: the seeded stratified
 * split; the network trained on multi-label truth (loss finite, weights move, Stop honoured); the
 * before/after comparison (classes with < 2 validation positives get no AUROC); the thresholds refitted
 * only where validation has positives; the adapted file loading in Classifier.load with them.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gpu } from '../helpers/gpu.js';
import { Classifier } from '../../src/classifier/classifier.js';
import { modelInput } from '../../src/classifier/model-input.js';
import { measureRecord } from '../../src/ecg/measurements.js';
import { interpretDx, primaryClass } from '../../src/ecg/labels.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { loadModel } from '../../src/models/model-file.js';
import { readFileSync } from 'node:fs';
import { adaptedModelBytes } from '../../src/train/finetune/adapted-model.js';
import { compareValidation, findingsProbabilities, refitThresholds } from '../../src/train/finetune/compare.js';
import { fineTuneNetwork, networkLogits, type AdaptExample } from '../../src/train/finetune/finetune.js';
import { stratifiedSplit } from '../../src/train/finetune/split.js';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'default.ecgpu');

describe('stratified split', () => {
  it('is seeded, complete and disjoint, and puts every class of two or more records on both sides', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, classes: i < 3 ? [7] : i < 4 ? [3] : i % 2 ? [0] : [0, 4] }));
    const a = stratifiedSplit(items, 0.3, 1), b = stratifiedSplit(items, 0.3, 1), c = stratifiedSplit(items, 0.3, 2);
    expect(a).toEqual(b);
    expect(a.val.map((x) => x.id)).not.toEqual(c.val.map((x) => x.id));
    expect([...a.train, ...a.val].map((x) => x.id).sort((x, y) => x - y)).toEqual(items.map((x) => x.id));
    for (const cls of [7, 4, 0]) {
      const primary = (x: { classes: number[] }) => primaryClass(x.classes) === cls;
      expect(a.val.some(primary) && a.train.some(primary), `class ${cls}`).toBe(true);
    }
    expect(a.val.some((x) => x.classes[0] === 3)).toBe(false); // one record: training only
    expect(a.val.length).toBe(1 + 5 + 5); // round(0.3·3) of class 7, round(0.3·18) of classes 4 ([0, 4]) and 0
  });
});

describe('fine-tuning the bundled network on multi-label truth', () => {
  it('trains, stops when asked, compares before and after, refits thresholds where validation has positives, and saves a loadable model', async () => {
    await gpu();
    const bytes = new Uint8Array(readFileSync(MODEL));
    const { model, meta, findingsWeights } = loadModel(bytes, MODEL);
    try {
      const example = (cls: number, seed: number): AdaptExample => {
        const rec = generateRecord(cls, seed);
        const input = modelInput(rec, meta);
        return { name: `${cls}-${seed}`, image: input.data, features: measureRecord(input.record).features, classes: interpretDx(rec.header.dx).classes };
      };
      const train = [4, 7, 8, 9, 4, 7, 8, 9].map((c, i) => example(c, 100 + i));
      const val = [4, 4, 7, 8, 8, 9].map((c, i) => example(c, 200 + i));
      const shape = modelInput(generateRecord(0, 1), meta).shape;
      const T = meta.calibration.temperature, spec = meta.findings!;
      const logitsBefore = await networkLogits(model, shape, val);
      const stopped = await fineTuneNetwork(model, shape, train, { epochs: 3, batchSize: 4, lr: 1e-3, onStep: (s) => (s.step === 1 ? 'stop' : undefined) });
      expect(stopped).toMatchObject({ steps: 1, stopped: true });
      const r = await fineTuneNetwork(model, shape, train, { epochs: 2, batchSize: 4, lr: 1e-3 });
      expect(r).toMatchObject({ steps: 4, stopped: false });
      expect(r.epochLosses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      const logitsAfter = await networkLogits(model, shape, val);
      expect(Math.max(...logitsAfter.map((v, i) => Math.abs(v - logitsBefore[i])))).toBeGreaterThan(1e-3);

      const before = findingsProbabilities(spec, findingsWeights, val, logitsBefore, meta.classNames, T);
      const after = findingsProbabilities(spec, findingsWeights, val, logitsAfter, meta.classNames, T);
      const cmp = compareValidation(val, before, after, meta.classNames);
      const positives = (c: number) => val.filter((e) => e.classes.includes(c)).length;
      expect(cmp.perClass.map((p) => p.positives)).toEqual(meta.classNames.map((_, c) => positives(c)));
      for (const p of cmp.perClass) expect(Number.isFinite(p.before), p.name).toBe(p.positives >= 2 && p.positives < val.length);
      expect(cmp.macroClasses).toEqual([4, 8]);
      expect(cmp.macroAfter).toBeCloseTo((cmp.perClass[4].after + cmp.perClass[8].after) / 2, 12);

      const thresholds = refitThresholds(val, after, spec.thresholds);
      for (const c of [1, 2, 3, 5, 6, 7, 9]) expect(thresholds[c], `class ${c} (fewer than 2 validation positives) keeps its threshold`).toBe(spec.thresholds[c]);
      const file = await adaptedModelBytes(model, meta, findingsWeights, thresholds, { trainRecords: train.length });
      const clf = await Classifier.load(file);
      try {
        expect(clf.meta.findings!.thresholds).toEqual(thresholds);
        expect(clf.meta.info?.fineTuned).toEqual({ trainRecords: train.length });
        expect(clf.meta.input).toEqual(meta.input);
        const got = await clf.classify(generateRecord(8, 200 + 3));
        const k = meta.classNames.length;
        expect(Math.max(...got.probabilities.map((p, c) => Math.abs(p - after[3 * k + c])))).toBeLessThan(1e-4);
      } finally {
        clf.dispose();
      }
    } finally {
      model.dispose();
    }
  });
});
