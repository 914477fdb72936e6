/**
 * What the Adapt page's worker does, without the worker: read a folder into examples and a split
 * (prepareFolder), and adapt the bundled model on them (adaptModel). DOM-free, so that Node runs the
 * very same steps (scripts/adapt-probe.ts) and the page's figures can be checked and explored there.
 */
import { modelInput, modelRenderOptions } from '../../src/classifier/model-input.js';
import { measureRecord } from '../../src/ecg/measurements.js';
import { renderDefaults } from '../../src/ecg/render.js';
import { EcgInputError } from '../../src/ecg/types.js';
import { readFolderRecord, scanFolder, type FolderFile } from '../../src/ecg/record-folder.js';
import { loadModel, type ModelMeta } from '../../src/models/model-file.js';
import { shuffled } from '../../src/train/data.js';
import { adaptedFindingsBytes, adaptedModelBytes } from '../../src/train/finetune/adapted-model.js';
import type { Example } from '../../src/train/findings/example.js';
import { classesWithExamples, fitRecipe, LOCAL_MIN_POSITIVES, LOCAL_RECIPE } from '../../src/train/findings/protocol.js';
import type { HeadEpoch } from '../../src/train/findings/train-head.js';
import { compareValidation, findingsProbabilities, MIN_VALIDATION_POSITIVES, refitThresholds, type ValidationComparison } from '../../src/train/finetune/compare.js';
import { DEFAULT_FINE_TUNE, fineTuneNetwork, networkLogits, type AdaptExample, type FineTuneOptions } from '../../src/train/finetune/finetune.js';
import { stratifiedSplit } from '../../src/train/finetune/split.js';
import type { FolderSummary } from './adapt-protocol.js';

/** Fewer usable labelled records than this: nothing runs (a split of fewer says nothing either way). */
export const MIN_RECORDS = 20;
/**
 * At most this many labelled records are read: each is held as the model's input image (13×64×256
 * floats, 0.85 MB for the bundled model), so 500 take about 430 MB of the tab's memory. A larger folder
 * gives a seeded sample of this many (a line says so).
 */
export const MAX_RECORDS = 500;
/** The validation part's share of each primary class. */
export const VAL_FRACTION = 0.3;

/**
 * A reader's or the classifier's refusal of a record, naming its file by its path in the folder (as the
 * scan's refusals do; the record was decoded from bytes named by their file names alone).
 */
function inFolder(e: unknown, headerPath: string): string {
  if (!(e instanceof EcgInputError)) return e instanceof Error ? e.message : String(e);
  const dir = headerPath.includes('/') ? headerPath.slice(0, headerPath.lastIndexOf('/') + 1) : '';
  return `${e.file.includes('/') ? e.file : dir + e.file}: ${e.problem}`;
}

/** Pixels per plane of the model's input. */
function renderSize(meta: ModelMeta): number {
  const o = renderDefaults(modelRenderOptions(meta));
  return o.height * o.width;
}

export interface PreparedSplit { train: AdaptExample[]; val: AdaptExample[]; seed: number; shape: [number, number, number] }

/**
 * Reads the folder's headers and labels, then every labelled record's signals, rendered and measured
 * as `meta`'s model takes them (refusals with the classifier's one-line reason), and splits the usable
 * ones. `split` is undefined when nothing can run (summary.problem says why).
 */
export async function prepareFolder(files: readonly FolderFile[], meta: ModelMeta, seed: number, status: (text: string) => void = () => {}, maxRecords = MAX_RECORDS): Promise<{ summary: FolderSummary; split?: PreparedSplit }> {
  const k = meta.classNames.length;
  status(`reading the headers of ${files.length} files…`);
  const scan = await scanFolder(files);
  const labelled = scan.records.filter((r) => r.classes.length > 0);
  const notes = [...scan.notes];
  let toRead = labelled;
  if (labelled.length > maxRecords) {
    const keep = new Set(shuffled(labelled.length, seed).slice(0, maxRecords));
    toRead = labelled.filter((_, i) => keep.has(i));
    notes.push(`${labelled.length - maxRecords} of the ${labelled.length} labelled records left out: the page holds at most ${maxRecords} (a seeded sample; each takes ${((4 * meta.config.inChannels * renderSize(meta)) / 1e6).toFixed(2)} MB as the model's input)`);
  }
  const refused = [...scan.bad];
  const usable: AdaptExample[] = [];
  let shape: [number, number, number] | undefined;
  for (const [i, r] of toRead.entries()) {
    if (i % 5 === 0) status(`reading, rendering and measuring labelled record ${i + 1} of ${toRead.length}…`);
    try {
      const input = modelInput(await readFolderRecord(r), meta);
      shape = input.shape;
      usable.push({ name: r.path, image: input.data, features: measureRecord(input.record).features, classes: r.classes });
    } catch (e) {
      refused.push({ path: r.path, reason: inFolder(e, r.path) });
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
    notes, seed, train: parts.train.length, val: parts.val.length, valRecords: parts.val.map((e) => e.name), valPositives, ...(problem ? { problem } : {}),
  };
  return { summary, ...(!problem && shape ? { split: { ...parts, seed, shape } } : {}) };
}

export interface Adapted {
  stopped: boolean;
  comparison: ValidationComparison;
  thresholdsBefore: number[];
  thresholdsAfter: number[];
  epochLosses: number[];
  file: Uint8Array;
  trainSeconds: number;
  /** 'findings': the classes the learned head answers (the others keep the bundled answer). */
  headClasses?: number[];
  /** The network's logits of the validation records, before and after (n × k). */
  logitsBefore: Float32Array;
  logitsAfter: Float32Array;
}

/**
 * What is adapted: 'findings' learns a head on the criterion scores, the measurements and the bundled
 * network's scores from the training part, blended half and half with the criteria (LOCAL_RECIPE: within
 * one hospital it beats the bundled findings, docs/real-records.md), the network unchanged; 'network'
 * fine-tunes every weight of the network (fineTuneNetwork) and keeps the findings' blend.
 */
export type AdaptWhat = 'findings' | 'network';

export interface AdaptOptions extends Partial<Omit<FineTuneOptions, 'seed'>> {
  what?: AdaptWhat;
  /** 'findings': after each epoch of each ensemble member; 'stop' ends the training there. */
  onHeadEpoch?: (e: HeadEpoch) => void | 'stop' | Promise<void | 'stop'>;
}

/**
 * Loads the model (`bytes`, on the engine already initialised), scores the validation part, adapts
 * `options.what` on the training part (default 'network'; the page sends its choice), scores the
 * validation part again, refits the thresholds there and writes the adapted model file.
 */
export async function adaptModel(
  bytes: Uint8Array, split: PreparedSplit, options: AdaptOptions, status: (text: string) => void = () => {}, adapter = 'this GPU',
): Promise<Adapted> {
  if ((options.what ?? 'network') === 'findings') return adaptFindings(bytes, split, options, status, adapter);
  const { model: net, meta, findingsWeights } = loadModel(bytes, 'default.ecgpu');
  try {
    const spec = meta.findings;
    if (!spec) throw new Error('the bundled model has no findings to compare');
    const { train, val, seed, shape } = split;
    const T = meta.calibration.temperature;
    status(`scoring the ${val.length} validation records with the bundled model on ${adapter}…`);
    const logitsBefore = await networkLogits(net, shape, val);
    const before = findingsProbabilities(spec, findingsWeights, val, logitsBefore, meta.classNames, T);
    const { what: _what, onHeadEpoch: _onHeadEpoch, ...fineTune } = options;
    const o = { ...DEFAULT_FINE_TUNE, ...fineTune, seed };
    status(`fine-tuning ${net.paramCount.toLocaleString('en')} weights on ${train.length} records, ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}, on ${adapter}`);
    const t0 = performance.now();
    const result = await fineTuneNetwork(net, shape, train, o);
    const trainSeconds = (performance.now() - t0) / 1000;
    status('scoring the validation records with the adapted model, refitting the thresholds…');
    const logitsAfter = await networkLogits(net, shape, val);
    const after = findingsProbabilities(spec, findingsWeights, val, logitsAfter, meta.classNames, T);
    const comparison = compareValidation(val, before, after, meta.classNames);
    const thresholds = refitThresholds(val, after, spec.thresholds);
    const file = await adaptedModelBytes(net, meta, findingsWeights, thresholds, {
      trainedIn: 'ecgpu demo, Adapt page', from: 'the bundled default model', trainRecords: train.length, validationRecords: val.length,
      epochs: result.epochLosses.length, stopped: result.stopped, lr: o.lr, batchSize: o.batchSize, splitSeed: seed,
      loss: 'per-class sigmoid binary cross-entropy over the network logits (multi-label truth)',
      validationMacroAuroc: { before: comparison.macroBefore, after: comparison.macroAfter, classes: comparison.macroClasses.length },
    });
    return { stopped: result.stopped, comparison, thresholdsBefore: [...spec.thresholds], thresholdsAfter: thresholds, epochLosses: result.epochLosses, file, trainSeconds, logitsBefore, logitsAfter };
  } finally {
    net.dispose();
  }
}

/** adaptModel's 'findings' path: the head learned on the training part, the network unchanged. */
async function adaptFindings(bytes: Uint8Array, split: PreparedSplit, options: AdaptOptions, status: (text: string) => void, adapter: string): Promise<Adapted> {
  const { model: net, meta, findingsWeights } = loadModel(bytes, 'default.ecgpu');
  try {
    const spec = meta.findings;
    if (!spec) throw new Error('the bundled model has no findings to compare');
    const { train, val, seed, shape } = split;
    const T = meta.calibration.temperature, k = meta.classNames.length;
    if (!classesWithExamples(train, k, LOCAL_MIN_POSITIVES).length) {
      throw new Error(`Adapting the findings needs a class with at least ${LOCAL_MIN_POSITIVES} positives and ${LOCAL_MIN_POSITIVES} negatives among the ${train.length} training records, and none has: adapt the image network instead, or add records.`);
    }
    status(`scoring the ${train.length + val.length} records with the bundled model on ${adapter}…`);
    const logitsBefore = await networkLogits(net, shape, val);
    const trainLogits = await networkLogits(net, shape, train);
    const before = findingsProbabilities(spec, findingsWeights, val, logitsBefore, meta.classNames, T);
    const examples: Example[] = train.map((e, i) => ({
      path: e.name, name: e.name, source: 'this folder', classes: [...e.classes],
      logits: Array.from(trainLogits.subarray(i * k, (i + 1) * k)), features: Array.from(e.features), trivial: [],
    }));
    const epochLosses: number[] = [];
    let stopped = false;
    const recipe = {
      ...LOCAL_RECIPE, splitSeed: seed,
      head: {
        ...LOCAL_RECIPE.head!,
        options: {
          onEpoch: async (e: HeadEpoch) => {
            epochLosses.push(e.valLoss);
            const r = await options.onHeadEpoch?.(e);
            if (r === 'stop') stopped = true;
            return r;
          },
        },
      },
    };
    status(`learning the findings head on ${train.length} records (criterion scores, measurements and the network's scores) on ${adapter}`);
    const t0 = performance.now();
    const fitted = await fitRecipe(examples, recipe, meta.classNames, T);
    const trainSeconds = (performance.now() - t0) / 1000;
    status('scoring the validation records with the adapted findings, refitting the thresholds…');
    const after = findingsProbabilities(fitted.spec, fitted.weights, val, logitsBefore, meta.classNames, T);
    const comparison = compareValidation(val, before, after, meta.classNames);
    // Classes with too few validation positives keep the threshold fitted with the head (on the training part's held fifth).
    const thresholds = refitThresholds(val, after, fitted.spec.thresholds);
    const findings = { ...fitted.spec, thresholds, info: { ...fitted.spec.info, thresholdsRefittedOn: 'the validation part of the folder' } };
    const file = await adaptedFindingsBytes(net, meta, findings, fitted.entries, {
      trainedIn: 'ecgpu demo, Adapt page', from: 'the bundled default model', what: LOCAL_RECIPE.name, trainRecords: train.length,
      validationRecords: val.length, stopped, splitSeed: seed,
      validationMacroAuroc: { before: comparison.macroBefore, after: comparison.macroAfter, classes: comparison.macroClasses.length },
    });
    return { stopped, comparison, thresholdsBefore: [...spec.thresholds], thresholdsAfter: thresholds, epochLosses, file, trainSeconds, headClasses: fitted.spec.headClasses ?? [], logitsBefore, logitsAfter: logitsBefore };
  } finally {
    net.dispose();
  }
}
