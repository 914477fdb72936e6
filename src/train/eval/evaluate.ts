/**
 * Everything computed for one model from its validation and test logits: test metrics and report,
 * confusion matrices, ROC/AUC, bootstrap CIs, temperature scaling, ECE before/after and the
 * per-class decision thresholds (fitted on validation, applied to test).
 */
import {
  accuracy, argmax, bootstrapCI, classificationMetrics, classificationReportText, confusionMatrix, crossEntropy,
  multiclassRoc, normalizeRows, softmax, testLine,
  type BootstrapResult, type ClassificationMetrics, type Logits, type MulticlassRoc,
} from './metrics.js';
import { applyThresholds, fitTemperature, fitThresholds, reliability, type Reliability, type TemperatureFit, type ThresholdFit } from './calibration.js';

export interface SplitResult {
  labels: readonly number[];
  /** n × numClasses, row-major. */
  logits: Logits;
}

export interface EpochRecord {
  epoch: number;
  trainLoss?: number;
  trainAcc?: number;
  valLoss?: number;
  valAcc?: number;
  /** Wall time of the epoch in seconds. */
  seconds?: number;
  lr?: number;
}

export interface SaliencyImage {
  caption: string;
  /** PNG file; `writeReport` reads it and embeds it. */
  path?: string;
  /** PNG bytes (embedded as a data: URI). */
  png?: Uint8Array;
}

export interface ModelRunInput {
  name: string;
  description?: string;
  /** Trainable parameter count. */
  parameters?: number;
  val?: SplitResult;
  test: SplitResult;
  history?: readonly EpochRecord[];
  /** Further test sets read once at the end, e.g. an independent synthetic set of another seed. */
  heldOut?: readonly HeldOutSplit[];
  /** Named timings in seconds (e.g. `train`, `inference`, `perImageMs` goes in as seconds too). */
  timings?: Record<string, number>;
  saliency?: readonly SaliencyImage[];
}

export interface HeldOutSplit extends SplitResult {
  /** Short name used in tables and JSON (e.g. `independent synthetic`). */
  name: string;
  description?: string;
}

export interface HeldOutEvaluation {
  name: string;
  description?: string;
  split: SplitEvaluation;
  bootstrap: BootstrapResult;
}

export interface EvalOptions {
  /** Bootstrap resamples (default 1000) and seed (default 0). */
  resamples?: number;
  seed?: number;
  /** Decimals of the classification report text (sklearn default 2). */
  digits?: number;
  eceBins?: number;
}

export interface SplitEvaluation {
  n: number;
  loss: number;
  accuracy: number;
  line: string;
  metrics: ClassificationMetrics;
  reportText: string;
  confusion: number[][];
  confusionNormalized: number[][];
  roc: MulticlassRoc;
  reliability: Reliability;
}

export interface ThresholdEvaluation {
  fit: ThresholdFit;
  before: { metrics: ClassificationMetrics; reportText: string; confusion: number[][] };
  after: { metrics: ClassificationMetrics; reportText: string; confusion: number[][] };
}

export interface CalibrationEvaluation {
  fit: TemperatureFit;
  /** Test-set NLL and reliability before and after dividing the logits by T. */
  testNllBefore: number;
  testNllAfter: number;
  before: Reliability;
  after: Reliability;
  valBefore: Reliability;
  valAfter: Reliability;
}

export interface ModelEvaluation {
  name: string;
  description?: string;
  parameters?: number;
  test: SplitEvaluation;
  val?: SplitEvaluation;
  bootstrap: BootstrapResult;
  calibration?: CalibrationEvaluation;
  thresholds?: ThresholdEvaluation;
  heldOut: HeldOutEvaluation[];
  history: readonly EpochRecord[];
  timings: Record<string, number>;
}

export function evaluateSplit(split: SplitResult, classNames: readonly string[], opts: EvalOptions = {}, tag = 'Test'): SplitEvaluation {
  const k = classNames.length;
  const probs = softmax(split.logits, k);
  const preds = argmax(split.logits, k);
  const confusion = confusionMatrix(split.labels, preds, k);
  const metrics = classificationMetrics(split.labels, preds, k);
  return {
    n: split.labels.length,
    loss: crossEntropy(split.logits, split.labels, k),
    accuracy: accuracy(split.labels, preds),
    line: testLine(split.logits, split.labels, k, tag),
    metrics,
    reportText: classificationReportText(metrics, classNames, opts.digits ?? 2),
    confusion,
    confusionNormalized: normalizeRows(confusion),
    roc: multiclassRoc(split.labels, probs, k),
    reliability: reliability(probs, split.labels, k, opts.eceBins ?? 15),
  };
}

export function evaluateModel(run: ModelRunInput, classNames: readonly string[], opts: EvalOptions = {}): ModelEvaluation {
  const k = classNames.length;
  for (const [name, s] of [['test', run.test], ['val', run.val]] as const) {
    if (s && s.logits.length !== s.labels.length * k) throw new Error(`${run.name}: ${name} logits have ${s.logits.length} values, expected ${s.labels.length} × ${k}`);
  }
  const test = evaluateSplit(run.test, classNames, opts, 'Test');
  const val = run.val ? evaluateSplit(run.val, classNames, opts, 'Val') : undefined;
  const testProbs = softmax(run.test.logits, k);
  const bootstrap = bootstrapCI(run.test.labels, testProbs, k, { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 0 });
  let calibration: CalibrationEvaluation | undefined;
  let thresholds: ThresholdEvaluation | undefined;
  if (run.val && run.val.labels.length > 0) {
    const bins = opts.eceBins ?? 15;
    const fit = fitTemperature(run.val.logits, run.val.labels, k);
    const T = fit.temperature;
    calibration = {
      fit,
      testNllBefore: crossEntropy(run.test.logits, run.test.labels, k),
      testNllAfter: crossEntropy(run.test.logits, run.test.labels, k, T),
      before: test.reliability,
      after: reliability(softmax(run.test.logits, k, T), run.test.labels, k, bins),
      valBefore: val!.reliability,
      valAfter: reliability(softmax(run.val.logits, k, T), run.val.labels, k, bins),
    };
    // Thresholds are tuned on the temperature-scaled validation probabilities.
    const tf = fitThresholds(softmax(run.val.logits, k, T), run.val.labels, k);
    const predsAfter = applyThresholds(softmax(run.test.logits, k, T), tf.thresholds);
    const mAfter = classificationMetrics(run.test.labels, predsAfter, k);
    thresholds = {
      fit: tf,
      before: { metrics: test.metrics, reportText: test.reportText, confusion: test.confusion },
      after: { metrics: mAfter, reportText: classificationReportText(mAfter, classNames, opts.digits ?? 2), confusion: confusionMatrix(run.test.labels, predsAfter, k) },
    };
  }
  const heldOut = (run.heldOut ?? []).map((h): HeldOutEvaluation => {
    if (h.logits.length !== h.labels.length * k) throw new Error(`${run.name}: ${h.name} logits have ${h.logits.length} values, expected ${h.labels.length} × ${k}`);
    return {
      name: h.name, description: h.description, split: evaluateSplit(h, classNames, opts, h.name),
      bootstrap: bootstrapCI(h.labels, softmax(h.logits, k), k, { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 0 }),
    };
  });
  return {
    name: run.name, description: run.description, parameters: run.parameters,
    test, val, bootstrap, calibration, thresholds, heldOut,
    history: run.history ?? [], timings: run.timings ?? {},
  };
}
