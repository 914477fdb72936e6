/**
 * The Adapt page's worker: reads the visitor's folder (headers, labels, signals: nothing leaves the
 * page), renders and measures every labelled record as the bundled model takes it, splits them (seeded,
 * stratified), and on Start fine-tunes the bundled network on the training part on this device's WebGPU
 * adapter, scores the validation part before and after, refits the findings' thresholds there and hands
 * back the adapted model file.
 */
import { modelInput } from '../../src/classifier/model-input.js';
import { modelBytes } from '../../src/classifier/model-source.js';
import { measureRecord } from '../../src/ecg/measurements.js';
import { folderFileOf, readFolderRecord, scanFolder } from '../../src/ecg/record-folder.js';
import { init } from '../../src/engine/engine.js';
import { checkModelFile, loadModel, type ModelMeta } from '../../src/models/model-file.js';
import { adaptedModelBytes } from '../../src/train/finetune/adapted-model.js';
import { compareValidation, findingsProbabilities, MIN_VALIDATION_POSITIVES, refitThresholds } from '../../src/train/finetune/compare.js';
import { DEFAULT_FINE_TUNE, fineTuneNetwork, networkLogits, type AdaptExample } from '../../src/train/finetune/finetune.js';
import { stratifiedSplit } from '../../src/train/finetune/split.js';
import type { FolderSummary, FromAdaptWorker, ToAdaptWorker } from './adapt-protocol.js';

const post = (m: FromAdaptWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** Fewer usable labelled records than this: nothing runs (a split of fewer says nothing either way). */
export const MIN_RECORDS = 20;
/** The validation part's share of each primary class. */
const VAL_FRACTION = 0.3;

let model: { bytes: Uint8Array; meta: ModelMeta } | undefined;
let split: { train: AdaptExample[]; val: AdaptExample[]; seed: number; shape: [number, number, number] } | undefined;
let stopRequested = false;

async function bundledModel() {
  if (!model) {
    const { bytes, name } = await modelBytes('default');
    model = { bytes, meta: checkModelFile(bytes, name).meta };
  }
  return model;
}

async function read(files: { file: File; path: string }[], seed: number): Promise<void> {
  split = undefined;
  const { meta } = await bundledModel();
  const k = meta.classNames.length;
  post({ type: 'status', text: `reading the headers of ${files.length} files…` });
  const scan = await scanFolder(files.map((f) => folderFileOf(f.file, f.path)));
  const labelled = scan.records.filter((r) => r.classes.length > 0);
  const refused = [...scan.bad];
  const usable: AdaptExample[] = [];
  let shape: [number, number, number] | undefined;
  for (const [i, r] of labelled.entries()) {
    if (i % 5 === 0) post({ type: 'status', text: `reading, rendering and measuring labelled record ${i + 1} of ${labelled.length}…` });
    try {
      const input = modelInput(await readFolderRecord(r), meta);
      shape = input.shape;
      usable.push({ name: r.path, image: input.data, features: measureRecord(input.record).features, classes: r.classes });
    } catch (e) {
      refused.push({ path: r.path, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  const parts = stratifiedSplit(usable, VAL_FRACTION, seed);
  const count = (xs: AdaptExample[]) => Array.from({ length: k }, (_, c) => xs.filter((e) => e.classes.includes(c)).length);
  const valPositives = count(parts.val);
  const scorable = valPositives.filter((p) => p >= MIN_VALIDATION_POSITIVES && p < parts.val.length).length;
  const problem = usable.length < MIN_RECORDS
    ? `Too few labelled records to fine-tune: ${usable.length} usable of ${scan.records.length} read (${labelled.length} labelled with one of the ${k} classes); at least ${MIN_RECORDS} are needed.`
    : scorable === 0 ? `No class has ${MIN_VALIDATION_POSITIVES} or more positives in the validation part (${parts.val.length} records), so before and after cannot be compared; add records.` : undefined;
  const summary: FolderSummary = {
    files: scan.files, records: scan.records.length, labelled: labelled.length, usable: usable.length, refused, classCounts: count(usable),
    notes: scan.notes, seed, train: parts.train.length, val: parts.val.length, valRecords: parts.val.map((e) => e.name), valPositives, ...(problem ? { problem } : {}),
  };
  if (!problem && shape) split = { ...parts, seed, shape };
  post({ type: 'summary', summary });
}

async function start(epochs: number): Promise<void> {
  if (!split) throw new Error('no folder read yet');
  stopRequested = false;
  const started = performance.now();
  const { bytes, meta } = await bundledModel();
  const engine = await init();
  const a = engine.adapter;
  const adapter = a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'this GPU';
  const loaded = loadModel(bytes, 'default.ecgpu');
  const net = loaded.model;
  try {
    const spec = meta.findings;
    if (!spec) throw new Error('the bundled model has no findings to compare');
    const { train, val, seed, shape } = split;
    const T = meta.calibration.temperature;
    post({ type: 'status', text: `scoring the ${val.length} validation records with the bundled model on ${adapter}…` });
    const before = findingsProbabilities(spec, loaded.findingsWeights, val, await networkLogits(net, shape, val), meta.classNames, T);
    post({ type: 'status', text: `fine-tuning ${net.paramCount.toLocaleString('en')} weights on ${train.length} records, ${epochs} epoch${epochs === 1 ? '' : 's'}, on ${adapter}` });
    const t0 = performance.now();
    const options = { ...DEFAULT_FINE_TUNE, epochs, seed };
    const result = await fineTuneNetwork(net, shape, train, {
      ...options,
      onStep: (s) => {
        const done = (s.epoch - 1) * s.total + s.seen, rate = done / ((performance.now() - t0) / 1000);
        post({ type: 'step', step: s, imagesPerSecond: rate, etaSeconds: (s.epochs * s.total - done) / rate });
        return stopRequested ? 'stop' : undefined;
      },
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    post({ type: 'status', text: 'scoring the validation records with the adapted model, refitting the thresholds…' });
    const after = findingsProbabilities(spec, loaded.findingsWeights, val, await networkLogits(net, shape, val), meta.classNames, T);
    const comparison = compareValidation(val, before, after, meta.classNames);
    const thresholds = refitThresholds(val, after, spec.thresholds);
    const file = await adaptedModelBytes(net, meta, loaded.findingsWeights, thresholds, {
      trainedIn: 'ecgpu demo, Adapt page', from: 'the bundled default model', trainRecords: train.length, validationRecords: val.length,
      epochs: result.epochLosses.length, stopped: result.stopped, lr: options.lr, batchSize: options.batchSize, splitSeed: seed,
      loss: 'per-class sigmoid binary cross-entropy over the network logits (multi-label truth)',
      validationMacroAuroc: { before: comparison.macroBefore, after: comparison.macroAfter, classes: comparison.macroClasses.length },
    });
    post({
      type: 'done', stopped: result.stopped, comparison, thresholdsBefore: [...spec.thresholds], thresholdsAfter: thresholds, epochLosses: result.epochLosses,
      bytes: file.buffer as ArrayBuffer, trainSeconds, wallSeconds: (performance.now() - started) / 1000, adapter,
    }, [file.buffer as ArrayBuffer]);
  } finally {
    net.dispose();
  }
}

self.onmessage = (e: MessageEvent<ToAdaptWorker>) => {
  const m = e.data;
  const fail = (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  if (m.type === 'read') read(m.files, m.seed).catch(fail);
  else if (m.type === 'start') start(m.epochs).catch(fail);
  else if (m.type === 'stop') stopRequested = true;
};
