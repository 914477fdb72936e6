/**
 * The multi-label findings head: the host forward inference uses equals the GPU module training uses;
 * the head survives the model file; a malformed head is a ModelFileError; training on a toy problem
 * lowers the validation loss and keeps the best epoch's weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { noGrad } from '../../src/autograd/index.js';
import { createModel, type AlexNetConfig } from '../../src/models/alexnet.js';
import { FindingsMlp, findingsAbove, findingsInputs, sinusRateGroup, findingsProbabilities, type FindingsHeadSpec, type FindingsSpec } from '../../src/models/findings-head.js';
import { loadModel, ModelFileError, saveModel } from '../../src/models/model-file.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { mulberry32 } from '../../src/reference/random.js';
import { meanBce } from '../../src/train/eval/multilabel.js';
import { trainFindingsHead } from '../../src/train/findings/train-head.js';
import { findingsOf } from '../../src/inference/findings.js';
import { FEATURE_NAMES } from '../../src/ecg/measurements.js';

beforeAll(async () => {
  await gpu();
});

const config: AlexNetConfig = {
  architecture: 'alexnet-m-se', inputSize: 64, inChannels: 1, numClasses: 10, width: 0.0625, fcWidth: 8, dropout: 0, seReduction: 2, seed: 3,
};
const meta = {
  classNames: [...CLASS_NAMES], input: { render: { width: 64, height: 64, layout: 'stacked', channels: 1 }, mean: [0.9], std: [0.2] },
  calibration: { temperature: 1, thresholds: [] },
};

/** A toy problem: class c is present when input c (of 6) is above 0.3; classes 6-9 never. */
function toy(n: number, seed: number) {
  const rand = mulberry32(seed);
  const x = Array.from({ length: n }, () => Float64Array.from({ length: 6 }, () => 2 * rand() - 1));
  const truth = new Uint8Array(n * 10);
  x.forEach((r, i) => { for (let c = 0; c < 6; c++) truth[i * 10 + c] = r[c] > 0.3 ? 1 : 0; });
  return { x, truth };
}

describe('findings head', () => {
  it('host forward (inference) equals the GPU module (training) in eval mode', async () => {
    const mlp = new FindingsMlp(6, 5, 10, 0.5, 9).eval();
    const named = mlp.namedParameters();
    const datas = await Tensor.readAll(named.map(([, t]) => t));
    const weights = new Map(named.map(([n], i) => [`findings.0.${n.replace(/^net\./, '')}`, datas[i]]));
    const spec: FindingsHeadSpec = { inputs: ['a', 'b', 'c', 'd', 'e', 'f'], mean: [0, 1, 0, 0, 0, 2], std: [1, 2, 1, 1, 0.5, 1], hidden: 5, members: 1 };
    const raw = Float64Array.of(0.3, -1, 2, 0.1, -0.4, 2.5);
    const host = findingsProbabilities(spec, weights, raw, 10);
    const x = Float32Array.from(raw, (v, i) => (v - spec.mean[i]) / spec.std[i]);
    const z = await noGrad(() => mlp.forward(Tensor.from(x, [1, 6]))).read();
    for (let c = 0; c < 10; c++) expect(host[c]).toBeCloseTo(1 / (1 + Math.exp(-z[c])), 5);
    mlp.dispose();
  });

  it('inputs are assembled by name; findings are the classes at or above their threshold, most probable first', () => {
    const x = findingsInputs(['cnn:b', 'rate', 'cnn:a'], [{ names: ['qrs', 'rate'], values: [90, 72] }, { names: ['cnn:a', 'cnn:b'], values: [0.5, -1] }]);
    expect(Array.from(x)).toEqual([-1, 72, 0.5]);
    expect(() => findingsInputs(['nope'], [{ names: ['qrs'], values: [1] }])).toThrow(/nope/);
    expect(findingsAbove([0.2, 0.9, 0.6, 0.5], [0.5, 0.5, 0.5, 0.5])).toEqual([1, 2, 3]);
    expect(findingsAbove([0.2, 0.1], [0.5, 0.5])).toEqual([]);
    // mutually exclusive classes: only the one furthest above its own threshold (0.9 − 0.8 < 0.6 − 0.4)
    expect(findingsAbove([0.9, 0.6, 0.7], [0.8, 0.4, 0.5], [[0, 1]])).toEqual([2, 1]);
    expect(findingsAbove([0.9, 0.3, 0.7], [0.8, 0.4, 0.5], [[0, 1]])).toEqual([0, 2]);
    expect(sinusRateGroup(['LBBB', 'sinus bradycardia', 'normal sinus rhythm', 'sinus tachycardia'])).toEqual([[2, 3, 1]]);
    expect(sinusRateGroup(['LBBB', 'normal sinus rhythm'])).toEqual([]);
  });

  it('trains on a toy problem (validation loss falls), survives the model file, and a damaged head is refused', async () => {
    const train = toy(300, 1), val = toy(100, 2);
    const head = await trainFindingsHead(['a', 'b', 'c', 'd', 'e', 'f'], 10, train, val, { members: 2, epochs: 40, hidden: 8 });
    const untrained = meanBce(val.truth, new Float64Array(val.truth.length).fill(0.5));
    for (const m of head.members) expect(m.valLoss).toBeLessThan(untrained);
    const probsOf = (spec: FindingsHeadSpec, weights: ReadonlyMap<string, Float32Array>) => {
      const out = new Float64Array(val.x.length * 10);
      val.x.forEach((r, i) => out.set(findingsProbabilities(spec, weights, r, 10), i * 10));
      return out;
    };
    const probs = probsOf(head.spec, head.weights);
    expect(meanBce(val.truth, probs)).toBeLessThan(untrained);

    const findings: FindingsSpec = { criteriaWeight: 0.5, criteriaClasses: [1, 2], thresholds: new Array(10).fill(0.4), head: head.spec };
    const model = createModel(config);
    const bytes = await saveModel(model, { ...meta, findings }, head.entries);
    model.dispose();
    const loaded = loadModel(bytes, 'toy.ecgpu');
    expect(loaded.meta.findings).toEqual(findings);
    const again = probsOf(loaded.meta.findings!.head!, loaded.findingsWeights);
    for (let i = 0; i < probs.length; i++) expect(again[i]).toBeCloseTo(probs[i], 6);
    loaded.model.dispose();

    // A head answering some classes only: the others take the image network's softmax.
    const partial: FindingsSpec = { ...findings, headClasses: [0, 3] };
    const m2 = createModel(config);
    const partialLoaded = loadModel(await saveModel(m2, { ...meta, findings: partial }, head.entries), 'partial.ecgpu');
    m2.dispose();
    expect(partialLoaded.meta.findings!.headClasses).toEqual([0, 3]);
    partialLoaded.model.dispose();
    const features = new Float32Array(FEATURE_NAMES.length), logits = Float32Array.from({ length: 10 }, (_, c) => c / 3 - 1);
    const row = [{ names: head.spec.inputs, values: val.x[0] }];
    const full = findingsOf(findings, head.weights, features, logits, CLASS_NAMES, 0.8, row);
    const part = findingsOf(partial, head.weights, features, logits, CLASS_NAMES, 0.8, row);
    const noHead = findingsOf({ ...findings, head: undefined }, new Map(), features, logits, CLASS_NAMES, 0.8);
    for (let c = 0; c < 10; c++) expect(part[c], `class ${c}`).toBeCloseTo([0, 3].includes(c) ? full[c] : noHead[c], 12);
    expect(Math.abs(full[5] - noHead[5])).toBeGreaterThan(1e-6); // the head does answer differently where it answers

    const damaged = async (spec: unknown, entries = head.entries) => {
      const m = createModel(config);
      try {
        return await saveModel(m, { ...meta, findings: spec as FindingsSpec }, entries);
      } finally {
        m.dispose();
      }
    };
    for (const [spec, entries, pattern] of [
      [{ ...findings, thresholds: new Array(10).fill(1.5) }, head.entries, /thresholds/],
      [{ ...findings, criteriaWeight: 2 }, head.entries, /criteriaWeight/],
      [{ ...findings, criteriaClasses: [12] }, head.entries, /criteriaClasses/],
      [{ ...findings, headClasses: [0, 0] }, head.entries, /headClasses must be distinct/],
      [{ ...findings, headClasses: [10] }, head.entries, /headClasses must be distinct class indices below 10/],
      [{ ...findings, head: { ...head.spec, std: head.spec.std.map(() => 0) } }, head.entries, /std/],
      [{ ...findings, head: { ...head.spec, members: 3 } }, head.entries, /findings\.2\..* missing/],
      [findings, head.entries.slice(1), /missing/],
      [{ ...findings, head: undefined }, head.entries, /do not belong/],
    ] as const) {
      const b = await damaged(spec, [...entries]);
      expect(() => loadModel(b, 'bad.ecgpu')).toThrow(ModelFileError);
      expect(() => loadModel(b, 'bad.ecgpu')).toThrow(pattern);
    }
  });
});
