/**
 * Training in a Web Worker, so the page stays responsive: generates synthetic records, renders them
 * as the project's `demo` preset does (the default preset's input: one plane per lead plus the rhythm
 * plane, at fewer pixels), trains one architecture with the project's trainer (every step reported;
 * pause and stop between steps), evaluates on a test split and hands back the model file.
 * The page starts one worker per architecture, so AlexNet-M-SE and AlexNet train side by side.
 */
import { init } from '../../src/engine/engine.js';
import { createModel, type Architecture } from '../../src/models/alexnet.js';
import { saveModel } from '../../src/models/model-file.js';
import { readableTwelveLead } from '../../src/ecg/quality.js';
import { renderToTensorData } from '../../src/ecg/render.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { CLASS_NAMES, NUM_CLASSES } from '../../src/ecg/types.js';
import { computeNormalisation, type ImageSet } from '../../src/train/data.js';
import { getPreset } from '../../src/train/presets.js';
import { predictLogits, train } from '../../src/train/trainer.js';
import { argmax, confusionMatrix, fitTemperature } from '../../src/train/eval/index.js';
import type { DataMessage, FromWorker, RecordId, StartMessage, ToWorker } from './protocol.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let paused: (() => void) | undefined;
let pauseRequested = false;
let stopRequested = false;

/** Seeds of each part of the data: far apart, so train, validation and test never share a record. */
function recordIds(perClass: number, part: 'train' | 'val' | 'test', seed: number): RecordId[] {
  const offset = { train: 0, val: 100_000, test: 200_000 }[part];
  const ids: RecordId[] = [];
  for (let i = 0; i < perClass; i++) for (let cls = 0; cls < NUM_CLASSES; cls++) ids.push({ cls, seed: seed * 1_000_003 + offset + i * NUM_CLASSES + cls });
  return ids;
}

class RenderedSet implements ImageSet {
  readonly count: number;
  constructor(readonly shape: [number, number, number], private readonly images: Float32Array[], private readonly labels: number[]) {
    this.count = images.length;
  }
  image(i: number) { return this.images[i]; }
  label(i: number) { return this.labels[i]; }
  name(i: number) { return `synthetic ${i}`; }
}

type Render = ReturnType<typeof getPreset>['render'];
const renderImages = (ids: RecordId[], render: Render) => ids.map(({ cls, seed }) => renderToTensorData(readableTwelveLead(generateRecord(cls, seed), render).record, render));
const asSet = (ids: RecordId[], images: Float32Array[], render: Render) =>
  new RenderedSet([render.channels ?? 3, render.height ?? 224, render.width ?? 224], images, ids.map((r) => r.cls));

/** The parts other workers drew, relayed by the page (see StartMessage.part). */
const parts = new Map<number, DataMessage>();
let partArrived: (() => void) | undefined;

/** This worker's part of the records drawn here, the others' taken from the page, interleaved back into order. */
async function drawShared(m: StartMessage, ids: RecordId[][], render: Render): Promise<Float32Array[][]> {
  const mine = ids.map((list) => renderImages(list.filter((_, j) => j % m.parts === m.part), render));
  post({ type: 'data', arch: m.arch, part: m.part, train: mine[0], val: mine[1], test: mine[2] });
  parts.set(m.part, { type: 'data', part: m.part, train: mine[0], val: mine[1], test: mine[2] });
  while (parts.size < m.parts) await new Promise<void>((resolve) => { partArrived = resolve; });
  return ids.map((list, s) => list.map((_, j) => {
    const p = parts.get(j % m.parts)!;
    return [p.train, p.val, p.test][s][Math.floor(j / m.parts)];
  }));
}

/** Test records per class: fixed, so the accuracy is read on the same 50 records whatever the training size. */
const TEST_PER_CLASS = 5;

async function run(m: StartMessage): Promise<void> {
  const started = performance.now();
  const preset = getPreset('demo');
  const engine = await init();
  const valPerClass = Math.max(2, Math.round(m.perClass / 4));
  const a = engine.adapter;
  const adapter = a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'this GPU';
  const [trainIds, valIds, testIds] = [recordIds(m.perClass, 'train', m.seed), recordIds(valPerClass, 'val', m.seed), recordIds(TEST_PER_CLASS, 'test', m.seed)];
  post({ type: 'status', arch: m.arch, text: `generating and drawing ${(m.perClass + valPerClass + TEST_PER_CLASS) * NUM_CLASSES} synthetic records (${m.parts > 1 ? `1/${m.parts} of them here, the rest in the other worker` : 'all here'}) on ${adapter}` });
  const drawn = await drawShared(m, [trainIds, valIds, testIds], preset.render);
  const drawSeconds = (performance.now() - started) / 1000;
  const [trainSet, valSet, testSet] = [asSet(trainIds, drawn[0], preset.render), asSet(valIds, drawn[1], preset.render), asSet(testIds, drawn[2], preset.render)];
  const norm = computeNormalisation(trainSet);
  const model = createModel({ ...preset.model, architecture: m.arch as Architecture, seed: m.seed });
  post({ type: 'status', arch: m.arch, text: `training ${model.paramCount.toLocaleString('en')} parameters on ${trainSet.count} records` });
  const total = m.epochs * trainSet.count;
  const t0 = performance.now();
  const result = await train(model, trainSet, valSet, norm, {
    ...preset.train, epochs: m.epochs, seed: m.seed,
    onStep: async (s) => {
      const done = (s.epoch - 1) * trainSet.count + s.seen;
      const rate = done / ((performance.now() - t0) / 1000);
      post({ type: 'step', arch: m.arch, step: s, done, total, imagesPerSecond: rate, etaSeconds: (total - done) / rate });
      if (pauseRequested) await new Promise<void>((resolve) => { paused = resolve; post({ type: 'paused', arch: m.arch }); });
      return stopRequested ? 'stop' : undefined;
    },
    onEpoch: (entry) => post({ type: 'epoch', arch: m.arch, entry }),
  });
  const valLogits = await predictLogits(model, valSet, norm);
  const valLabels = Array.from({ length: valSet.count }, (_, i) => valSet.label(i));
  const temperature = fitTemperature(valLogits, valLabels, NUM_CLASSES).temperature;
  const testLogits = await predictLogits(model, testSet, norm);
  const testLabels = testIds.map((r) => r.cls);
  const preds = argmax(testLogits, NUM_CLASSES);
  const bytes = await saveModel(model, {
    classNames: [...CLASS_NAMES],
    input: { render: { ...preset.render }, mean: norm.mean, std: norm.std },
    calibration: { temperature, thresholds: [] },
    info: { trainedIn: 'ecgpu browser demo', preset: preset.name, epochs: result.state.epochsDone, recordsPerClass: m.perClass, seed: m.seed, stopped: Boolean(result.stopped) },
  });
  model.dispose();
  post({
    type: 'done', arch: m.arch, stopped: Boolean(result.stopped), history: result.state.history,
    confusion: confusionMatrix(testLabels, preds, NUM_CLASSES), testAccuracy: preds.filter((p, i) => p === testLabels[i]).length / preds.length,
    testIds, testLogits: Array.from(testLogits), temperature, bytes: bytes.buffer as ArrayBuffer,
    wallSeconds: (performance.now() - started) / 1000, drawSeconds, adapter,
  }, [bytes.buffer as ArrayBuffer]);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') run(m).catch((err) => post({ type: 'error', arch: m.arch, message: err instanceof Error ? err.message : String(err) }));
  else if (m.type === 'data') { parts.set(m.part, m); partArrived?.(); }
  else if (m.type === 'pause') pauseRequested = true;
  else if (m.type === 'resume') { pauseRequested = false; paused?.(); paused = undefined; }
  else if (m.type === 'stop') { stopRequested = true; pauseRequested = false; paused?.(); paused = undefined; }
};
