/**
 * Findings recipes and the generalisation protocol for real records: leave one source database out.
 * For each source, a recipe is fitted on every other source (fitRecipe: a learned head on a seeded 80%
 * of them, early stopping and thresholds on the rest; a head-less recipe's thresholds on all of them) and
 * tested on the held-out source. Per-class and macro AUROC with bootstrap intervals per held-out source
 * (multilabel.ts).
 *
 * A recipe (FindingsSpec) blends the criterion scores (src/ecg/criteria.ts) with a learned head or
 * with the synthetic-trained image network's softmax. Beside the recipe, the protocol runs other
 * recipes, so that what carries the result is visible, among them heads on recording-setup statistics
 * alone (sampling rate, length, gain, noise: a head that does well on those has learnt the hospital,
 * not the heart). `sourcePrevalenceAuroc` measures the confound itself: how well knowing only the
 * source database ranks each class.
 */
import { FEATURE_NAMES } from '../../ecg/measurements.js';
import { CLASS_NAMES } from '../../ecg/types.js';
import { cnnInputName, criterionInputName, findingsInputs, type FindingsSpec, type NamedValues } from '../../models/findings-head.js';
import type { HostEntry } from '../../models/model-file.js';
import { findingsOf, headSources } from '../../inference/findings.js';
import { shuffled } from '../data.js';
import { fitMultiLabelThresholds, multiLabelReport, truthMatrix, type MultiLabelReport } from '../eval/multilabel.js';
import { SYNTHETIC_SOURCE, TRIVIAL_NAMES, type Example } from './example.js';
import { trainFindingsHead, type HeadData, type HeadOptions, type TrainedHead } from './train-head.js';

/** A choice of head inputs, by name (see inference/findings.ts headSources). */
export interface HeadInputs {
  name: string;
  inputs(classNames: readonly string[]): string[];
}

const criteria = () => CLASS_NAMES.map(criterionInputName);
export const CRITERIA_ONLY: HeadInputs = { name: 'criterion scores', inputs: criteria };
export const CRITERIA_MEASUREMENTS_CNN: HeadInputs = {
  name: 'criterion scores + measurements + image network',
  inputs: (classNames) => [...criteria(), ...FEATURE_NAMES, ...classNames.map(cnnInputName)],
};
export const MEASUREMENTS_AND_CNN: HeadInputs = { name: 'measurements + image network', inputs: (classNames) => [...FEATURE_NAMES, ...classNames.map(cnnInputName)] };
const setupName = (n: string) => `setup:${n}`;
export const SETUP_ONLY: HeadInputs = { name: 'recording setup only (confound probe)', inputs: () => TRIVIAL_NAMES.map(setupName) };

/** The classes the beat times decide, each its criterion alone: sinus tachycardia and bradycardia (a
 * measured rate defines them) and ectopy (a premature beat and its pause: on every source group the
 * criterion alone ranked it better than blended with the network, docs/real-records.md). */
export const TIMING_CLASSES = [1, 2, 9];

/** The recording-setup statistics of `e` as named head inputs (evaluation only: the confound probe). */
const setupSource = (e: Example): NamedValues => ({ names: TRIVIAL_NAMES.map(setupName), values: e.trivial });

/** Everything a head may take for example `e`: what inference has, plus the recording-setup statistics. */
function sourcesOf(e: Example, classNames: readonly string[]): NamedValues[] {
  return [...headSources(e.features, e.logits, classNames), setupSource(e)];
}

export function headData(examples: readonly Example[], inputs: readonly string[], classNames: readonly string[]): HeadData {
  return {
    x: examples.map((e) => findingsInputs(inputs, sourcesOf(e, classNames))),
    truth: truthMatrix(examples.map((e) => e.classes), classNames.length),
  };
}

/** A seeded split of `examples` into training and validation parts (`valFraction` of them validation). */
export function splitTrainVal<T>(examples: readonly T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  const order = shuffled(examples.length, seed);
  const nVal = Math.max(1, Math.round(valFraction * examples.length));
  return { val: order.slice(0, nVal).map((i) => examples[i]), train: order.slice(nVal).map((i) => examples[i]) };
}

export interface Recipe {
  name: string;
  /** w in p = w · criterion + (1 − w) · q (FindingsSpec). */
  criteriaWeight: number;
  /** Classes that are their criterion alone. */
  criteriaClasses: number[];
  /** A learned head and its options; without one, q is the image network's softmax. */
  head?: { inputs: HeadInputs; options?: Partial<HeadOptions> };
  valFraction?: number;
  splitSeed?: number;
  /** With a head: it answers only the classes with at least this many positives and negatives among the
   * records it is fitted on; the others keep the image network's softmax (and stay criteria-only when
   * `criteriaClasses` names them). Default: the head answers every class. */
  headMinPositives?: number;
}

/**
 * The recipe of the bundled model and `npm run train:real`: the criterion scores and the synthetic-trained
 * image network's softmax, half and half, the rate classes and ectopy by their criterion alone; thresholds fitted on
 * real records. Chosen by leave-one-source-out validation over the four source groups of ../shared/data
 * and the synthetic records, where it beat every learned head tried (docs/real-records.md).
 */
export const RECIPE: Recipe = { name: 'criteria + image network, ½ each; rate and ectopy by criteria', criteriaWeight: 0.5, criteriaClasses: TIMING_CLASSES };

/**
 * The recipe for adapting the findings to one hospital's own labelled records (the demo's Adapt page):
 * half criteria, half a head learned on that hospital's records from the criterion scores, the
 * measurements and the image network's logits, for every class the records show at least
 * LOCAL_MIN_POSITIVES times (and as often not): the rate classes included, since a hospital's own
 * conventions (PTB-XL's 50-59 bpm "sinus rhythm") are what it is adapted to. A class seen fewer times
 * keeps the bundled answer (its criterion alone for the rate classes and ectopy): a head fitted on six positives
 * ranks them worse than the bundled findings. Across hospitals such a head loses to the criteria
 * (docs/real-records.md); within one it wins (`adaptWithinSource`, the same table).
 */
export const LOCAL_MIN_POSITIVES = 10;
export const LOCAL_RECIPE: Recipe = {
  name: 'adapted: ½ criteria + ½ head on criterion scores, measurements and image network, fitted on the hospital\'s own records',
  criteriaWeight: 0.5, criteriaClasses: TIMING_CLASSES, head: { inputs: CRITERIA_MEASUREMENTS_CNN }, headMinPositives: LOCAL_MIN_POSITIVES,
};

/** A fitted recipe: the model file's findings and the head's tensors (none without a head). */
export interface FittedFindings {
  spec: FindingsSpec;
  entries: HostEntry[];
  weights: Map<string, Float32Array>;
}

/** Per-class probabilities (n × k) of `examples` under fitted findings, exactly as the classifier computes them. */
export function predictFindings(f: Pick<FittedFindings, 'spec' | 'weights'>, examples: readonly Example[], classNames: readonly string[], temperature: number): Float64Array {
  const k = classNames.length;
  const out = new Float64Array(examples.length * k);
  examples.forEach((e, i) => out.set(findingsOf(f.spec, f.weights, e.features, e.logits, classNames, temperature, [setupSource(e)]), i * k));
  return out;
}

/**
 * Fits `recipe` on `examples`: a learned head, if any, on a seeded 80% (early stopping on the rest), then
 * every class's threshold on the rest (on every record when there is no head).
 */
export async function fitRecipe(examples: readonly Example[], recipe: Recipe, classNames: readonly string[], temperature: number): Promise<FittedFindings> {
  const k = classNames.length;
  // A learned head needs records of its own to stop early on and to fit thresholds on; without one the
  // thresholds are all that is fitted, on every record.
  const { train, val } = recipe.head ? splitTrainVal(examples, recipe.valFraction ?? 0.2, recipe.splitSeed ?? 1) : { train: [], val: [...examples] };
  let head: TrainedHead | undefined;
  if (recipe.head) {
    const inputs = recipe.head.inputs.inputs(classNames);
    head = await trainFindingsHead(inputs, k, headData(train, inputs, classNames), headData(val, inputs, classNames), recipe.head.options);
  }
  const headClasses = head && recipe.headMinPositives !== undefined ? classesWithExamples(examples, k, recipe.headMinPositives) : undefined;
  const spec: FindingsSpec = {
    criteriaWeight: recipe.criteriaWeight,
    criteriaClasses: recipe.criteriaClasses.filter((c) => !headClasses || !headClasses.includes(c)),
    thresholds: new Array(k).fill(0.5),
    ...(head ? { head: head.spec } : {}),
    ...(headClasses ? { headClasses } : {}),
  };
  const weights = head?.weights ?? new Map<string, Float32Array>();
  const valTruth = truthMatrix(val.map((e) => e.classes), k);
  spec.thresholds = fitMultiLabelThresholds(valTruth, predictFindings({ spec, weights }, val, classNames, temperature), val.length, k);
  spec.info = { recipe: recipe.name, thresholdRecords: val.length, ...(head ? { headTrainRecords: train.length, members: head.members } : {}) };
  return { spec, entries: head?.entries ?? [], weights };
}

/** Classes with at least `min` positives and `min` negatives among `examples` (those a head can learn). */
export function classesWithExamples(examples: readonly { classes: readonly number[] }[], k: number, min: number): number[] {
  return Array.from({ length: k }, (_, c) => c).filter((c) => {
    const pos = examples.filter((e) => e.classes.includes(c)).length;
    return pos >= min && examples.length - pos >= min;
  });
}

export interface HeldOutResult {
  source: string;
  records: number;
  trainRecords: number;
  report: MultiLabelReport;
}

/**
 * Leave-one-source-out over the sources in `sources` (each held out in turn; usable examples only). The
 * synthetic source, when listed, is only ever held out: its fold is fitted on every real record.
 */
export async function leaveOneSourceOut(
  examples: readonly Example[], recipe: Recipe, classNames: readonly string[], temperature: number, sources: readonly string[],
  opts: { resamples?: number; log?: (s: string) => void } = {},
): Promise<HeldOutResult[]> {
  const k = classNames.length;
  const usable = examples.filter((e) => !e.refused);
  const out: HeldOutResult[] = [];
  for (const source of sources) {
    const test = usable.filter((e) => e.source === source);
    // Synthetic records are a test set here, never training data: the recipes are fitted on real records.
    const rest = usable.filter((e) => e.source !== source && e.source !== SYNTHETIC_SOURCE);
    if (!test.length || !rest.length) continue;
    const fitted = await fitRecipe(rest, recipe, classNames, temperature);
    const probs = predictFindings(fitted, test, classNames, temperature);
    const report = multiLabelReport(truthMatrix(test.map((e) => e.classes), k), probs, test.length, k, fitted.spec.thresholds, { resamples: opts.resamples });
    opts.log?.(`  ${recipe.name}: held out ${source} (${test.length} records; fitted on ${rest.length}): macro AUROC ${report.macroAuroc.estimate.toFixed(3)}`);
    out.push({ source, records: test.length, trainRecords: rest.length, report });
  }
  return out;
}

/** Per held-out source: the scores of a fixed scorer (e.g. the synthetic-only model's softmax), no training. */
export function scoreBySource(examples: readonly Example[], score: (e: Example) => ArrayLike<number>, k: number, sources: readonly string[], thresholds: readonly number[], resamples?: number): HeldOutResult[] {
  const usable = examples.filter((e) => !e.refused);
  return sources.map((source) => {
    const test = usable.filter((e) => e.source === source);
    const probs = new Float64Array(test.length * k);
    test.forEach((e, i) => probs.set(score(e), i * k));
    const report = multiLabelReport(truthMatrix(test.map((e) => e.classes), k), probs, test.length, k, thresholds, { resamples });
    return { source, records: test.length, trainRecords: 0, report };
  }).filter((r) => r.records > 0);
}

/**
 * The confound: per class, the AUROC of scoring every record with its source's prevalence of that
 * class (computed on all records). 0.5 when a class is spread evenly over the sources; near 1 when one
 * source holds most of its positives — a model can then score well by recognising the source.
 */
export function sourcePrevalenceAuroc(examples: readonly Example[], k: number): MultiLabelReport {
  const usable = examples.filter((e) => !e.refused);
  const bySource = new Map<string, Example[]>();
  for (const e of usable) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  const prevalence = new Map([...bySource].map(([s, es]) => [s, Array.from({ length: k }, (_, c) => es.filter((e) => e.classes.includes(c)).length / es.length)]));
  const probs = new Float64Array(usable.length * k);
  usable.forEach((e, i) => probs.set(prevalence.get(e.source)!, i * k));
  return multiLabelReport(truthMatrix(usable.map((e) => e.classes), k), probs, usable.length, k, new Array(k).fill(0.5), { resamples: 200 });
}

export interface WithinSourceResult {
  source: string;
  seed: number;
  trainRecords: number;
  testRecords: number;
  /** Per recipe, in the order given: the report on the source's held part. */
  reports: MultiLabelReport[];
}

/**
 * Adaptation within one source: the source's records split (seeded, `testFraction` held out), each recipe
 * fitted on the rest of that source only and scored on the held part: what a hospital gets from fitting
 * on its own labelled records. A head-less recipe learns only thresholds there, so its AUROC is what it
 * scores wherever it was fitted: the baseline an adapted head must beat on the same held part.
 */
export async function adaptWithinSource(
  examples: readonly Example[], source: string, recipes: readonly Recipe[], classNames: readonly string[], temperature: number,
  opts: { seeds?: readonly number[]; testFraction?: number; resamples?: number; log?: (s: string) => void } = {},
): Promise<WithinSourceResult[]> {
  const k = classNames.length;
  const own = examples.filter((e) => !e.refused && e.source === source);
  const out: WithinSourceResult[] = [];
  for (const seed of opts.seeds ?? [1, 2, 3]) {
    const { train, val: test } = splitTrainVal(own, opts.testFraction ?? 0.3, seed);
    const truth = truthMatrix(test.map((e) => e.classes), k);
    const reports: MultiLabelReport[] = [];
    for (const r of recipes) {
      const fitted = await fitRecipe(train, r, classNames, temperature);
      reports.push(multiLabelReport(truth, predictFindings(fitted, test, classNames, temperature), test.length, k, fitted.spec.thresholds, { resamples: opts.resamples }));
    }
    opts.log?.(`  within ${source}, seed ${seed} (fitted on ${train.length}, scored on ${test.length}): ${reports.map((r) => r.macroAuroc.estimate.toFixed(3)).join(' / ')}`);
    out.push({ source, seed, trainRecords: train.length, testRecords: test.length, reports });
  }
  return out;
}
