/**
 * The multi-label findings head: a small MLP over what is measured on a record (heart rate, RR
 * irregularity, QRS width, voltages, ST levels … in ms and mV) and the image network's logits, with one
 * sigmoid per class, so a record can carry several findings at once or none of them.
 *
 * Why a head on measurements rather than the image network alone: a network trained on images of a few
 * hundred real records learns which hospital a record comes from (its filters, gains, noise); quantities
 * measured in physical units mean the same in every hospital, and rate classes are defined by a measured
 * rate. The image network (trained on synthetic records only) contributes its logits as further inputs.
 *
 * An ensemble of `members` heads (different seeds) is averaged in probability. Training runs on the GPU
 * through the op table (FindingsMlp); inference is a few thousand multiply-adds and runs on the host
 * (findingsProbabilities), the same in Node, a browser, and without WebGPU.
 */
import type { Tensor } from '../engine/tensor.js';
import { Dropout, Linear, ReLU, Sequential } from './layers.js';
import { Init, Module } from './module.js';

/**
 * A model's multi-label findings: per class, p = w · criterion + (1 − w) · q, where the criterion score
 * comes from the measurements (src/ecg/criteria.ts) and q is the learned head's probability or, for a
 * model without one, the image network's softmax at the model's temperature. `criteriaClasses` are the
 * criterion score alone (the rate classes, which a measured rate defines).
 */
export interface FindingsSpec {
  /** w, the weight of the criterion scores, in [0, 1]. */
  criteriaWeight: number;
  /** Classes (indices) whose probability is their criterion score alone. */
  criteriaClasses?: number[];
  /** Per-class probability thresholds (fitted on validation): a class is a finding when p ≥ threshold. */
  thresholds: number[];
  /** The learned head, if any. */
  head?: FindingsHeadSpec;
  /** Classes (indices) the head answers; the others take the image network's softmax. Default: every
   * class. (A head fitted on a hospital's few records answers only the classes it saw enough of.) */
  headClasses?: number[];
  /** How the findings were made and chosen (free-form provenance). */
  info?: Record<string, unknown>;
}

/** A learned MLP head: its inputs by name, their standardisation, its size. */
export interface FindingsHeadSpec {
  /** Names of the head's inputs in order: measurement features, `cnn:<class>` logits, `criterion:<class>` scores. */
  inputs: string[];
  /** Standardisation of the inputs (fitted on the training records): x' = (x − mean) / std. */
  mean: number[];
  std: number[];
  /** Hidden width of each member. */
  hidden: number;
  /** Ensemble size: tensors `findings.<m>.<layer>.<weight|bias>` for m = 0 … members−1. */
  members: number;
}

/** Tensor names and shapes of member `m` of a head with `inputs` inputs, `hidden` units and `k` classes. */
export function findingsTensorShapes(spec: Pick<FindingsHeadSpec, 'inputs' | 'hidden' | 'members'>, k: number): [string, number[]][] {
  const out: [string, number[]][] = [];
  const n = spec.inputs.length, h = spec.hidden;
  for (let m = 0; m < spec.members; m++) {
    out.push([`findings.${m}.0.weight`, [h, n]], [`findings.${m}.0.bias`, [h]], [`findings.${m}.3.weight`, [k, h]], [`findings.${m}.3.bias`, [k]]);
  }
  return out;
}

/** One member on the GPU, for training: Linear → ReLU → Dropout → Linear (logits; the loss applies the sigmoid). */
export class FindingsMlp extends Module {
  readonly net: Sequential;
  private readonly drop: Dropout;

  constructor(inputs: number, hidden: number, classes: number, dropout: number, seed: number) {
    super();
    const init = new Init(seed);
    this.drop = new Dropout(dropout, seed * 131 + 7);
    // Layer indices 0 and 3 name the tensors (findingsTensorShapes).
    this.net = this.child('net', new Sequential([new Linear(inputs, hidden, init), new ReLU(), this.drop, new Linear(hidden, classes, init)]));
  }

  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }

  setStep(step: number): void {
    this.drop.step = step;
  }
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Per-class probabilities of the ensemble for one raw (unstandardised) input vector: the mean over
 * members of sigmoid(W₂ relu(W₁ x' + b₁) + b₂). `weights` holds the tensors by name.
 */
export function findingsProbabilities(spec: FindingsHeadSpec, weights: ReadonlyMap<string, Float32Array>, raw: ArrayLike<number>, k: number): Float64Array {
  const n = spec.inputs.length, h = spec.hidden;
  if (raw.length !== n) throw new Error(`findings head: ${raw.length} inputs, the head takes ${n}`);
  const x = Float64Array.from({ length: n }, (_, i) => (raw[i] - spec.mean[i]) / spec.std[i]);
  const p = new Float64Array(k);
  const hid = new Float64Array(h);
  for (let m = 0; m < spec.members; m++) {
    const get = (name: string) => weights.get(`findings.${m}.${name}`)!;
    const [w1, b1, w2, b2] = [get('0.weight'), get('0.bias'), get('3.weight'), get('3.bias')];
    for (let j = 0; j < h; j++) {
      let s = b1[j];
      for (let i = 0; i < n; i++) s += w1[j * n + i] * x[i];
      hid[j] = s > 0 ? s : 0;
    }
    for (let c = 0; c < k; c++) {
      let s = b2[c];
      for (let j = 0; j < h; j++) s += w2[c * h + j] * hid[j];
      p[c] += sigmoid(s) / spec.members;
    }
  }
  return p;
}

/**
 * The classes whose probability reaches their threshold, most probable first (may be empty: none of the
 * classes). Of each group of mutually exclusive classes (a heart is in normal sinus rhythm, sinus
 * tachycardia or sinus bradycardia, never two at once) only the one furthest above its threshold stays:
 * near a rate limit both neighbours can pass their own thresholds.
 */
export function findingsAbove(probabilities: ArrayLike<number>, thresholds: readonly number[], exclusive: readonly (readonly number[])[] = []): number[] {
  const above = (c: number) => probabilities[c] >= thresholds[c];
  const margin = (c: number) => probabilities[c] - thresholds[c];
  const dropped = new Set<number>();
  for (const group of exclusive) {
    const passing = group.filter(above);
    const keep = passing.reduce((best, c) => (margin(c) > margin(best) ? c : best), passing[0]);
    for (const c of passing) if (c !== keep) dropped.add(c);
  }
  const out: number[] = [];
  for (let c = 0; c < thresholds.length; c++) if (above(c) && !dropped.has(c)) out.push(c);
  return out.sort((a, b) => probabilities[b] - probabilities[a]);
}

/** Indices into `classNames` of the sinus rate classes present (mutually exclusive findings). */
export function sinusRateGroup(classNames: readonly string[]): number[][] {
  const group = SINUS_RATE_CLASSES.map((n) => classNames.indexOf(n)).filter((i) => i >= 0);
  return group.length > 1 ? [group] : [];
}
const SINUS_RATE_CLASSES = ['normal sinus rhythm', 'sinus tachycardia', 'sinus bradycardia'];

/** Name of the head input that carries the image network's logit for class `name`. */
export const cnnInputName = (name: string) => `cnn:${name}`;
/** Name of the head input that carries the criterion score (src/ecg/criteria.ts) of class `name`. */
export const criterionInputName = (name: string) => `criterion:${name}`;

/** Named values a head can take as inputs (measurements, logits, criterion scores). */
export interface NamedValues { names: readonly string[]; values: ArrayLike<number> }

/**
 * The head's raw input vector in the order of `inputs`, looked up by name in `sources`. Training and
 * inference both assemble inputs here, so they cannot drift apart.
 */
export function findingsInputs(inputs: readonly string[], sources: readonly NamedValues[]): Float64Array {
  const byName = new Map<string, number>();
  for (const s of sources) s.names.forEach((n, i) => byName.set(n, s.values[i]));
  return Float64Array.from(inputs, (n) => {
    const v = byName.get(n);
    if (v === undefined) throw new Error(`findings head input '${n}' is none of the measurements, logits or criterion scores`);
    return v;
  });
}

/** Inputs of a head that this build cannot supply: empty when every name is known. */
export function unknownFindingsInputs(inputs: readonly string[], known: readonly string[]): string[] {
  const set = new Set(known);
  return inputs.filter((n) => !set.has(n));
}
