/**
 * The generalisation protocol for real records: leave one source database out. For each source, the
 * findings head is trained on every other source (a seeded 80/20 split of them for early stopping and
 * thresholds) and tested on the held-out source, which nothing was chosen on. Per-class and macro
 * AUROC with bootstrap intervals per held-out source (multilabel.ts).
 *
 * Beside the recipe, the same protocol runs on other head inputs, so that what carries the result is
 * visible: the measurements alone, the image network's logits alone, and recording-setup statistics
 * alone (sampling rate, length, gain, noise: a head that does well on those has learnt the hospital,
 * not the heart). `sourcePrevalenceAuroc` measures the confound itself: how well knowing only the
 * source database ranks each class.
 */
import { FEATURE_NAMES } from '../../ecg/measurements.js';
import { applyCriteria, criteriaScores } from '../../ecg/criteria.js';
import { CLASS_NAMES } from '../../ecg/types.js';
import { cnnInputName, criterionInputName, findingsInputs, type NamedValues } from '../../models/findings-head.js';
import { findingsOf, headSources } from '../../inference/findings.js';
import { mulberry32 } from '../eval/metrics.js';
import { multiLabelReport, truthMatrix, type MultiLabelReport } from '../eval/multilabel.js';
import { TRIVIAL_NAMES, type Example } from './examples.js';
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
export const MEASUREMENTS_ONLY: HeadInputs = { name: 'measurements only', inputs: () => [...FEATURE_NAMES] };
export const CNN_ONLY: HeadInputs = { name: 'image network logits only', inputs: (classNames) => classNames.map(cnnInputName) };
const setupName = (n: string) => `setup:${n}`;
export const SETUP_ONLY: HeadInputs = { name: 'recording setup only (confound probe)', inputs: () => TRIVIAL_NAMES.map(setupName) };

/** The rate classes (sinus tachycardia, bradycardia): a measured rate defines them. */
export const RATE_CLASSES = [1, 2];
/** Every class. */
export const ALL_CLASSES = CLASS_NAMES.map((_, c) => c);

/**
 * The recipe of the bundled model and `npm run train:real` (chosen by leave-one-source-out validation
 * over the four source groups of ../shared/data; docs/real-records.md).
 */
export const RECIPE: Recipe = { inputs: CRITERIA_MEASUREMENTS_CNN, criteriaClasses: RATE_CLASSES };

/** The criterion scores of `examples` (n × 10), no learning. */
export function criteriaProbabilities(examples: readonly Example[]): Float64Array {
  const k = CLASS_NAMES.length, out = new Float64Array(examples.length * k);
  examples.forEach((e, i) => out.set(criteriaScores(e.features), i * k));
  return out;
}

/** Everything a head may take for example `e`: what inference has, plus the recording-setup statistics (evaluation only). */
function sourcesOf(e: Example, classNames: readonly string[]): NamedValues[] {
  return [...headSources(e.features, e.logits, classNames), { names: TRIVIAL_NAMES.map(setupName), values: e.trivial }];
}

export function headData(examples: readonly Example[], inputs: readonly string[], classNames: readonly string[]): HeadData {
  return {
    x: examples.map((e) => findingsInputs(inputs, sourcesOf(e, classNames))),
    truth: truthMatrix(examples.map((e) => e.classes), classNames.length),
  };
}

/** A seeded split of `examples` into training and validation parts (`valFraction` of them validation). */
export function splitTrainVal<T>(examples: readonly T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  const rand = mulberry32(seed);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const nVal = Math.max(1, Math.round(valFraction * examples.length));
  return { val: order.slice(0, nVal).map((i) => examples[i]), train: order.slice(nVal).map((i) => examples[i]) };
}

export interface Recipe extends Partial<HeadOptions> {
  inputs: HeadInputs;
  /** Classes whose probability is their criterion score, not the head's (indices into the class names). */
  criteriaClasses: number[];
  valFraction?: number;
  splitSeed?: number;
}

/** The head's probabilities (n × k) for `examples`, exactly as the classifier computes them. */
export function predictHead(head: TrainedHead, examples: readonly Example[], classNames: readonly string[]): Float64Array {
  const k = classNames.length;
  const out = new Float64Array(examples.length * k);
  examples.forEach((e, i) => out.set(findingsOf(head.spec, head.weights, e.features, e.logits, classNames), i * k));
  return out;
}

/** Trains the head on `examples` (a seeded part of them for validation) by `recipe`. */
export async function trainHeadOn(examples: readonly Example[], recipe: Recipe, classNames: readonly string[]): Promise<TrainedHead> {
  const k = classNames.length;
  const { train, val } = splitTrainVal(examples, recipe.valFraction ?? 0.2, recipe.splitSeed ?? 1);
  const inputs = recipe.inputs.inputs(classNames);
  const spec = recipe.criteriaClasses.length ? { criteriaClasses: [...recipe.criteriaClasses] } : {};
  return trainFindingsHead(inputs, k, headData(train, inputs, classNames), headData(val, inputs, classNames), recipe, {
    spec,
    probabilities: (p, i) => { if (spec.criteriaClasses) applyCriteria(p, classNames, spec.criteriaClasses, val[i].features); },
  });
}

export interface HeldOutResult {
  source: string;
  records: number;
  trainRecords: number;
  report: MultiLabelReport;
}

/** Leave-one-source-out over the sources in `sources` (each held out in turn; usable examples only). */
export async function leaveOneSourceOut(
  examples: readonly Example[], recipe: Recipe, classNames: readonly string[], sources: readonly string[],
  opts: { resamples?: number; log?: (s: string) => void } = {},
): Promise<HeldOutResult[]> {
  const k = classNames.length;
  const usable = examples.filter((e) => !e.refused);
  const out: HeldOutResult[] = [];
  for (const source of sources) {
    const test = usable.filter((e) => e.source === source);
    const rest = usable.filter((e) => e.source !== source);
    if (!test.length || !rest.length) continue;
    const head = await trainHeadOn(rest, recipe, classNames);
    const probs = predictHead(head, test, classNames);
    const report = multiLabelReport(truthMatrix(test.map((e) => e.classes), k), probs, test.length, k, head.spec.thresholds, { resamples: opts.resamples });
    opts.log?.(`  ${recipe.inputs.name}: held out ${source} (${test.length} records, trained on ${rest.length}): macro AUROC ${report.macroAuroc.estimate.toFixed(3)}`);
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
