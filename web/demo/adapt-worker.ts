/**
 * The Adapt page's worker: reads the visitor's folder (headers, labels, signals: nothing leaves the
 * page), renders and measures every labelled record as the bundled model takes it, splits them (seeded,
 * stratified), and on Start adapts the bundled model on the training part on this device's WebGPU adapter
 * (a findings head learned on the records, or the network's weights fine-tuned), scores the validation
 * part before and after, refits the findings' thresholds there and hands back the adapted model file
 * (adapt-run.ts does the work).
 */
import { modelBytes } from '../../src/classifier/model-source.js';
import { folderFileOf } from '../../src/ecg/record-folder.js';
import { init } from '../../src/engine/engine.js';
import { checkModelFile, type ModelMeta } from '../../src/models/model-file.js';
import type { FromAdaptWorker, ToAdaptWorker } from './adapt-protocol.js';
import { adaptModel, prepareFolder, type AdaptWhat, type PreparedSplit } from './adapt-run.js';

const post = (m: FromAdaptWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const status = (text: string) => post({ type: 'status', text });

let model: { bytes: Uint8Array; meta: ModelMeta } | undefined;
let split: PreparedSplit | undefined;
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
  const prepared = await prepareFolder(files.map((f) => folderFileOf(f.file, f.path)), meta, seed, status);
  split = prepared.split;
  post({ type: 'summary', summary: prepared.summary });
}

async function start(epochs: number, what: AdaptWhat): Promise<void> {
  if (!split) throw new Error('no folder read yet');
  stopRequested = false;
  const started = performance.now();
  const { bytes } = await bundledModel();
  const a = (await init()).adapter;
  const adapter = a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'this GPU';
  const r = await adaptModel(bytes, split, {
    epochs,
    what,
    onHeadEpoch: (e) => {
      const done = (e.member - 1) * e.epochs + e.epoch, total = e.members * e.epochs;
      post({ type: 'headEpoch', epoch: e, etaSeconds: (e.seconds / done) * (total - done) });
      return stopRequested ? 'stop' : undefined;
    },
    onStep: (s) => {
      const done = (s.epoch - 1) * s.total + s.seen, rate = done / s.seconds;
      post({ type: 'step', step: s, imagesPerSecond: rate, etaSeconds: (s.epochs * s.total - done) / rate });
      return stopRequested ? 'stop' : undefined;
    },
  }, status, adapter);
  const buffer = r.file.buffer as ArrayBuffer;
  post({
    type: 'done', what, headClasses: r.headClasses, stopped: r.stopped, comparison: r.comparison, thresholdsBefore: r.thresholdsBefore, thresholdsAfter: r.thresholdsAfter,
    epochLosses: r.epochLosses, bytes: buffer, trainSeconds: r.trainSeconds, wallSeconds: (performance.now() - started) / 1000, adapter,
  }, [buffer]);
}

self.onmessage = (e: MessageEvent<ToAdaptWorker>) => {
  const m = e.data;
  const fail = (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  if (m.type === 'read') read(m.files, m.seed).catch(fail);
  else if (m.type === 'start') start(m.epochs, m.what).catch(fail);
  else if (m.type === 'stop') stopRequested = true;
};
