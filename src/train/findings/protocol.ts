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
import { applyMeasuredRate } from '../../ecg/rate-classes.js';
import { cnnInputName } from '../../models/findings-head.js';
import { mulberry32 } from '../eval/metrics.js';
import { multiLabelReport, truthMatrix, type MultiLabelReport } from '../eval/multilabel.js';
import { TRIVIAL_NAMES, type Example } from './examples.js';
import { headProbabilities, trainFindingsHead, type HeadData, type HeadOptions, type TrainedHead } from './train-head.js';

export interface HeadInputs {
  name: string;
  /** Input names (as a model file stores them). */
  inputs(classNames: readonly string[]): string[];
  row(e: Example): number[];
}

export const MEASUREMENTS_AND_CNN: HeadInputs = {
  name: 'measurements + image network',
  inputs: (classNames) => [...FEATURE_NAMES, ...classNames.map(cnnInputName)],
  row: (e) => [...e.features, ...e.logits],
};
export const MEASUREMENTS_ONLY: HeadInputs = { name: 'measurements only', inputs: () => [...FEATURE_NAMES], row: (e) => e.features };
export const CNN_ONLY: HeadInputs = { name: 'image network logits only', inputs: (classNames) => classNames.map(cnnInputName), row: (e) => e.logits };
export const SETUP_ONLY: HeadInputs = { name: 'recording setup only (confound probe)', inputs: () => TRIVIAL_NAMES.map((n) => `setup:${n}`), row: (e) => e.trivial };

/** The recipe: what the bundled model and `npm run train:real` use. */
export const RECIPE_INPUTS = MEASUREMENTS_AND_CNN;

export function headData(examples: readonly Example[], inputs: HeadInputs, k: number): HeadData {
  return { x: examples.map((e) => Float64Array.from(inputs.row(e))), truth: truthMatrix(examples.map((e) => e.classes), k) };
}

/** A seeded split of `examples` into training and validation parts (`valFraction` of them validation). */
export function splitTrainVal<T>(examples: readonly T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  const rand = mulberry32(seed);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const nVal = Math.max(1, Math.round(valFraction * examples.length));
  return { val: order.slice(0, nVal).map((i) => examples[i]), train: order.slice(nVal).map((i) => examples[i]) };
}

export interface RecipeOptions extends Partial<HeadOptions> {
  valFraction?: number;
  splitSeed?: number;
  /** Score the rate classes from the measured rate (src/ecg/rate-classes.ts); the recipe's default. */
  measuredRateClasses?: boolean;
}

/** The head's probabilities for `examples`, with the measured rate classes when the head has them. */
export function predictHead(head: TrainedHead, examples: readonly Example[], inputs: HeadInputs, classNames: readonly string[]): Float64Array {
  const k = classNames.length;
  return headProbabilities(head.spec, head.weights, headData(examples, inputs, k).x, k, rateAdjust(head.spec.measuredRateClasses, examples, classNames));
}

const rateAdjust = (on: boolean | undefined, examples: readonly Example[], classNames: readonly string[]) =>
  on ? (p: Float64Array, i: number) => { applyMeasuredRate(p, classNames, examples[i].features); } : undefined;

/** Trains the head on `examples` (split for validation) with the given inputs. */
export async function trainHeadOn(examples: readonly Example[], inputs: HeadInputs, classNames: readonly string[], opts: RecipeOptions = {}): Promise<TrainedHead> {
  const k = classNames.length;
  const { train, val } = splitTrainVal(examples, opts.valFraction ?? 0.2, opts.splitSeed ?? 1);
  const measured = opts.measuredRateClasses ?? true;
  return trainFindingsHead(inputs.inputs(classNames), k, headData(train, inputs, k), headData(val, inputs, k), opts, {
    spec: measured ? { measuredRateClasses: true } : {},
    probabilities: rateAdjust(measured, val, classNames),
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
  examples: readonly Example[], inputs: HeadInputs, classNames: readonly string[], sources: readonly string[],
  opts: RecipeOptions & { resamples?: number; log?: (s: string) => void } = {},
): Promise<HeldOutResult[]> {
  const k = classNames.length;
  const usable = examples.filter((e) => !e.refused);
  const out: HeldOutResult[] = [];
  for (const source of sources) {
    const test = usable.filter((e) => e.source === source);
    const rest = usable.filter((e) => e.source !== source);
    if (!test.length || !rest.length) continue;
    const head = await trainHeadOn(rest, inputs, classNames, opts);
    const probs = predictHead(head, test, inputs, classNames);
    const report = multiLabelReport(truthMatrix(test.map((e) => e.classes), k), probs, test.length, k, head.spec.thresholds, { resamples: opts.resamples });
    opts.log?.(`  ${inputs.name}: held out ${source} (${test.length} records, trained on ${rest.length}): macro AUROC ${report.macroAuroc.estimate.toFixed(3)}`);
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
