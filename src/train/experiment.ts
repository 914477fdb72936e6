/**
 * The paper's experiment as one call: prepare the data, train each architecture on the same split,
 * evaluate on the test set with the best validation epoch's weights, calibrate on validation, draw
 * Grad-CAM saliency for a few test records, save each model file, and write report.html + results.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { createModel, type AlexNet, type Architecture } from '../models/alexnet.js';
import { loadModel, overwrite, saveModel } from '../models/model-file.js';
import { readRecord } from '../ecg/read-record.js';
import { readableTwelveLead } from '../ecg/quality.js';
import { CLASS_NAMES } from '../ecg/types.js';
import { encodePng } from '../image/png.js';
import { evaluateModel, type ModelEvaluation, type ModelRunInput, type SaliencyImage } from './eval/index.js';
import { writeReport } from './eval/report-node.js';
import { computeNormalisation, makeBatch, type Normalisation } from './data.js';
import { independentSyntheticSet, prepareData, type BatchImageSet, type PreparedData } from './prepare.js';
import type { Preset } from './presets.js';
import { CheckpointError, loadCheckpointWeights } from './checkpoint.js';
import { gradCam, saliencyPicture } from '../inference/saliency.js';
import { predictLogits, train, type TrainOptions, type TrainerState } from './trainer.js';
import type { DatasetLevel } from '../ecg/dataset.js';
import type { PhraseTable } from '../ecg/label-phrases.js';

export interface ExperimentOptions {
  preset: Preset;
  architectures: Architecture[];
  /** Record folders; none: synthetic records. */
  data?: readonly string[];
  /** Phrase table for free-text diagnoses (default LUDB's). */
  phrases?: PhraseTable;
  out: string;
  level?: DatasetLevel;
  seed: number;
  resume: boolean;
  train?: Partial<TrainOptions>;
  progress: boolean;
  log: (line: string) => void;
  saliencyCount?: number;
  /** Records per class of the independent synthetic test set (synthetic runs only; 0: none). */
  independentPerClass?: number;
  /** A model file to start from (weights and input normalisation), e.g. one trained on synthetic records. */
  init?: string;
}

export interface ModelOutcome {
  architecture: Architecture;
  run: ModelRunInput;
  modelFile: string;
  state: TrainerState;
  evaluation: ModelEvaluation;
}

/** The independent synthetic test set uses seed + this offset. */
export const INDEPENDENT_SEED_OFFSET = 1000;

const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d, { level: 6 }));

export async function runExperiment(o: ExperimentOptions): Promise<{ outcomes: ModelOutcome[]; reportDir: string; data: PreparedData }> {
  mkdirSync(o.out, { recursive: true });
  const log = o.log;
  const e = engine();
  // The data first: a folder without usable records is refused before anything else is said or done.
  const data = await prepareData({ data: o.data, phrases: o.phrases, out: o.out, level: o.level ?? o.preset.level, seed: o.seed, render: o.preset.render, progress: o.progress, log });
  log(`adapter: ${e.adapter.description || e.adapter.device} (${e.adapter.adapterClass}${e.adapter.isFallbackAdapter ? ', fallback' : ''})`);
  log(`preset ${o.preset.name}: ${o.preset.why}`);
  const norm = computeNormalisation(data.train);
  const perClass = data.synthetic ? o.independentPerClass ?? o.preset.independentPerClass : 0;
  // Another seed family than the training database's (seeds differ by far more than its size).
  const independent = perClass > 0 ? await independentSyntheticSet(perClass, o.seed + INDEPENDENT_SEED_OFFSET, data.render, o.progress, log) : undefined;
  const outcomes: ModelOutcome[] = [];
  for (const arch of o.architectures) outcomes.push(await runModel(arch, o, data, norm, independent));
  const report = writeReport(o.out, {
    title: `ecgpu: ${o.architectures.join(' vs ')} on ${data.synthetic ? 'synthetic' : data.roots.map((r) => basename(r)).join(' + ')} ECG images`,
    classNames: CLASS_NAMES,
    dataset: {
      name: data.synthetic ? 'synthetic 12-lead records (ecgpu generator)' : data.roots.join(', '),
      description: data.lines.join('\n'),
      splits: { train: data.train.count, val: data.val.count, test: data.test.count, ...(independent ? { 'independent test': independent.count } : {}) },
      classCounts: Object.fromEntries((['train', 'val', 'test'] as const).map((s) => [s, counts(data[s])])),
      facts: {
        preset: o.preset.name, image: `${data.train.shape.join('×')}`, layout: String(o.preset.render.layout), seed: o.seed,
        adapter: e.adapter.description || e.adapter.device, split: data.splitFile,
      },
    },
    models: outcomes.map((x) => x.run),
    notes: [`preset ${o.preset.name}: ${o.preset.why}`],
  });
  log(`report: ${join(o.out, 'report.html')} and results.json (${report.files.length} files)`);
  return { outcomes, reportDir: o.out, data };
}

function counts(set: { count: number; label(i: number): number }): number[] {
  const c = new Array(CLASS_NAMES.length).fill(0);
  for (let i = 0; i < set.count; i++) c[set.label(i)]++;
  return c;
}

async function runModel(arch: Architecture, o: ExperimentOptions, data: PreparedData, norm: Normalisation, independent?: BatchImageSet): Promise<ModelOutcome> {
  const log = o.log;
  const dir = join(o.out, arch);
  mkdirSync(dir, { recursive: true });
  const model = createModel({ ...o.preset.model, architecture: arch, seed: o.seed });
  log(model.describe());
  if (o.init) {
    norm = await startFrom(model, o.init);
    log(`[${arch}] starting from the weights of ${o.init} (and its input normalisation)`);
  }
  const t0 = performance.now();
  const trainOptions = { ...o.preset.train, ...o.train, seed: o.seed, dir, resume: o.resume, log: (l: string) => log(`[${arch}] ${l}`), progress: o.progress };
  const result = await train(model, data.train, data.val, norm, trainOptions);
  const trainSeconds = (performance.now() - t0) / 1000;
  if (result.bestCheckpoint) {
    const held = loadCheckpointWeights<TrainerState>(result.bestCheckpoint, model);
    if (held.epochsDone !== result.state.bestEpoch) {
      throw new CheckpointError(result.bestCheckpoint, `holds epoch ${held.epochsDone}, not the best epoch ${result.state.bestEpoch}; rerun without --resume`);
    }
    log(`[${arch}] evaluating the best validation epoch by ${trainOptions.bestBy === 'val-loss' ? 'loss' : 'accuracy'} (${result.state.bestEpoch}: val acc ${result.state.bestValAcc.toFixed(3)}, loss ${result.state.bestValLoss.toFixed(4)})`);
  }
  const t1 = performance.now();
  const testLogits = await predictLogits(model, data.test, norm);
  const inferSeconds = (performance.now() - t1) / 1000;
  const valLogits = await predictLogits(model, data.val, norm);
  const labels = (s: typeof data.test) => Array.from({ length: s.count }, (_, i) => s.label(i));
  const heldOut = independent ? [{
    name: 'independent synthetic',
    description: `${independent.count} records generated with seed ${o.seed + INDEPENDENT_SEED_OFFSET} (never seen in training or model selection)`,
    labels: labels(independent), logits: await predictLogits(model, independent, norm),
  }] : [];
  const saliency = await saliencyImages(model, data, norm, dir, o.saliencyCount ?? 4);
  const run: ModelRunInput = {
    name: arch === 'alexnet' ? 'AlexNet' : 'AlexNet-M-SE',
    description: model.describe(),
    parameters: model.paramCount,
    val: { labels: labels(data.val), logits: valLogits },
    test: { labels: labels(data.test), logits: testLogits },
    heldOut,
    history: result.state.history,
    timings: { train: trainSeconds, inference: inferSeconds, perImage: inferSeconds / Math.max(1, data.test.count) },
    saliency,
  };
  const ev = evaluateModel(run, CLASS_NAMES);
  log(`[${arch}] ${ev.test.line}\n${ev.test.reportText}`);
  for (const h of ev.heldOut) log(`[${arch}] ${h.split.line}\n${h.split.reportText}`);
  const modelFile = join(dir, 'model.ecgpu');
  const bytes = await saveModel(model, {
    classNames: [...CLASS_NAMES],
    input: { render: { ...data.render }, mean: norm.mean, std: norm.std },
    calibration: { temperature: ev.calibration?.fit.temperature ?? 1, thresholds: ev.thresholds?.fit.thresholds ?? [] },
    info: {
      preset: o.preset.name, bestEpoch: result.state.bestEpoch, testAccuracy: ev.test.accuracy, split: data.splitFile,
      ...(ev.heldOut.length ? { independentTestAccuracy: ev.heldOut[0].split.accuracy, independentTestRecords: ev.heldOut[0].split.n } : {}),
      ...(o.init ? { init: o.init } : {}),
    },
  });
  writeFileSync(modelFile, bytes);
  log(`[${arch}] model saved to ${modelFile} (${(bytes.length / 1e6).toFixed(1)} MB)`);
  model.dispose();
  return { architecture: arch, run, modelFile, state: result.state, evaluation: ev };
}

/** Copies a saved model's weights into `model` (same architecture and shape) and returns its normalisation. */
async function startFrom(model: AlexNet, file: string): Promise<Normalisation> {
  const { model: pre, meta } = loadModel(new Uint8Array(readFileSync(file)), file);
  try {
    const from = new Map(pre.namedTensors());
    const pairs = model.namedTensors().map(([name, t]) => {
      const src = from.get(name);
      if (!src || src.size !== t.size) throw new Error(`${file}: tensor ${name} does not fit this model (another architecture or preset?)`);
      return [t, src] as const;
    });
    const values = await Tensor.readAll(pairs.map(([, src]) => src));
    pairs.forEach(([t], i) => overwrite(t, values[i]));
  } finally {
    pre.dispose();
  }
  return { mean: meta.input.mean, std: meta.input.std };
}

/** Grad-CAM over a human-sized render for the first test record of a few different classes. */
async function saliencyImages(model: AlexNet, data: PreparedData, norm: Normalisation, dir: string, count: number): Promise<SaliencyImage[]> {
  const out: SaliencyImage[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < data.test.count && out.length < count; i++) {
    const label = data.test.label(i);
    if (seen.has(label)) continue;
    seen.add(label);
    const { x } = makeBatch(data.test, [i], norm);
    const cam = await gradCam(model, x);
    const pic = saliencyPicture(readableTwelveLead(readRecord(data.test.name(i), { digital: false }), data.render).record, data.render, cam);
    const path = join(dir, `saliency-${basename(data.test.name(i)).replace(/\.[^.]+$/, '')}.png`);
    writeFileSync(path, encodePng(pic.rgba, pic.width, pic.height, 4, deflate));
    out.push({ path, caption: `${basename(data.test.name(i))}: true ${CLASS_NAMES[label]}, predicted ${CLASS_NAMES[cam.cls]}` });
  }
  return out;
}
