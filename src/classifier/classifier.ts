/**
 * The embeddable classifier, the same code in Node and in browsers:
 *
 *   const clf = await Classifier.load();          // the bundled default; or a URL, a path (Node), bytes, a Blob
 *   // { backend: 'cpu' } runs the network in plain TypeScript; 'auto' (default) does so when there is no WebGPU adapter
 *   const r = await clf.classify(record);         // a parsed record (readRecord, readRecordFiles, or arrays)
 *   r.probabilities; r.decision; r.top(3); await r.saliency();
 *   clf.dispose();
 *
 * Probabilities are calibrated with the model's temperature, the decision applies its per-class
 * thresholds; records a 12-lead model cannot read are refused (UnreadableRecordError) and what was
 * repaired is listed in `warnings`. The measured heart rate comes with every answer; a model with a
 * findings head (trained on real records) answers multi-label: `findings` lists every class above its
 * own threshold, possibly none.
 */
import type { AdapterDescription } from '../engine/device.js';
import { ModelFileError, type ModelMeta } from '../models/model-file.js';
import { renderDefaults } from '../ecg/render.js';
import type { EcgRecord } from '../ecg/types.js';
import { calibratedDecision } from '../inference/probabilities.js';
import { saliencyPicture, type SaliencyMap } from '../inference/saliency.js';
import { measureRecord, type Measurements } from '../ecg/measurements.js';
import { VOLTAGE_CLASSES } from '../ecg/criteria.js';
import { findingsAbove, sinusRateGroup, unknownFindingsInputs } from '../models/findings-head.js';
import { findingsOf, knownHeadInputs } from '../inference/findings.js';
import { openBackend, type BackendChoice, type BackendKind, type InferenceBackend } from './inference-backend.js';
import { modelInput, modelRenderOptions, type ModelInput } from './model-input.js';
import { modelBytes, type ModelSource } from './model-source.js';

export interface ClassScore { index: number; name: string; probability: number }

/** The rhythm measured on the record's QRS complexes. */
export interface HeartRate {
  /** 60 / median RR interval. */
  bpm: number;
  /** How irregular the RR intervals are (see src/ecg/measurements.ts; 0 for a perfectly regular rhythm). */
  rrIrregularity: number;
  /** QRS complexes the rate was measured from. */
  beats: number;
}

export interface SaliencyImage {
  /** RGBA pixels of the rendered ECG with the Grad-CAM heat map over it. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** The class whose evidence is shown. */
  cls: number;
  map: SaliencyMap;
}

export interface Classification {
  classNames: readonly string[];
  /** Raw scores of the network. */
  logits: Float32Array;
  /**
   * softmax(logits / temperature), summing to 1 — or, for a model with a findings head (`multiLabel`),
   * one independent probability per class (several may be high, or none).
   */
  probabilities: Float64Array;
  /** Whether the probabilities are per-class (a findings head) rather than one softmax. */
  multiLabel: boolean;
  /**
   * Multi-label models: every class whose probability reaches its own threshold (fitted on validation),
   * most probable first; empty means none of the classes. Single-label models: the decision alone.
   */
  findings: ClassScore[];
  /** The measured heart rate; undefined when fewer than three QRS complexes were found. */
  heartRate?: HeartRate;
  /** Everything measured on the record (rate, QRS width, axis, voltages, ST levels; src/ecg/measurements.ts). */
  measurements: Measurements;
  temperature: number;
  /**
   * The class chosen by the model's per-class thresholds (argmax when it has none); for a multi-label
   * model the most probable finding, or the most probable class when there is none.
   */
  decision: ClassScore & { thresholded: boolean };
  /** The k most probable classes. */
  top(k?: number): ClassScore[];
  /**
   * Grad-CAM for `cls` (default the decision) over a human-sized picture of the record (`size` px, default
   * 880; see saliencyPicture and pictureOptions in inference/saliency.ts for its geometry).
   */
  saliency(opts?: { size?: number; cls?: number }): Promise<SaliencyImage>;
  /** What was repaired or tolerated on the way (derived leads, ignored leads, padding, …). */
  warnings: string[];
  /** The record as the model saw it: the 12 standard leads in order. */
  record: EcgRecord;
  /** Wall time of rendering + forward pass + readback, ms. */
  milliseconds: number;
  /** Where the forward pass ran. */
  backend: BackendKind;
}

export interface LoadOptions {
  /** Where the browser finds the default model (default: `default.ecgpu` next to the script). */
  defaultModelUrl?: string | URL;
  /**
   * Where the network runs: `webgpu` (NoAdapterError without an adapter), `cpu` (plain TypeScript, any
   * JavaScript runtime), or `auto` (default: WebGPU when an adapter is found, else the CPU).
   */
  backend?: BackendChoice;
}

export class Classifier {
  private disposed = false;

  private constructor(
    private readonly net: InferenceBackend,
    private readonly findingsWeights: ReadonlyMap<string, Float32Array>,
    /** Everything the model file says about itself: config, classes, input, calibration, provenance. */
    readonly meta: ModelMeta,
    /** Where the model came from, for messages. */
    readonly source: string,
    /** Problems the model file had that did not stop it loading (e.g. no checksum). */
    readonly warnings: string[],
  ) {}

  /**
   * Loads a model (initialising WebGPU on first use, unless the backend is the CPU). Bad files throw a
   * one-line ModelFileError.
   */
  static async load(source?: ModelSource, opts: LoadOptions = {}): Promise<Classifier> {
    const { bytes, name } = await modelBytes(source, opts.defaultModelUrl);
    // Every check of the file (render geometry included) runs as it is read; what remains is whether this
    // build can supply the inputs of its findings head.
    const { backend, meta, warnings, findingsWeights } = await openBackend(bytes, name, opts.backend ?? 'auto');
    const unknownInputs = meta.findings?.head ? unknownFindingsInputs(meta.findings.head.inputs, knownHeadInputs(meta.classNames)) : [];
    if (unknownInputs.length) {
      backend.dispose();
      throw new ModelFileError(name, `its findings head takes input(s) this ecgpu does not measure: ${unknownInputs.slice(0, 3).join(', ')}`);
    }
    return new Classifier(backend, findingsWeights, meta, name, warnings);
  }

  get classNames(): readonly string[] { return this.meta.classNames; }

  /** Where the network runs: `webgpu` or `cpu`. */
  get backend(): BackendKind { return this.net.kind; }

  /** The WebGPU adapter the model runs on (undefined on the CPU backend). */
  get adapter(): AdapterDescription | undefined { return this.net.adapter; }

  /** Input as the model takes it: [channels, height, width]. */
  get inputShape(): [number, number, number] {
    const o = renderDefaults(modelRenderOptions(this.meta));
    return [this.meta.config.inChannels, o.height, o.width];
  }

  /** Classifies one record. Throws UnreadableRecordError for records a 12-lead model cannot read. */
  async classify(record: EcgRecord): Promise<Classification> {
    if (this.disposed) throw new Error('Classifier.classify: this classifier was disposed');
    const t0 = performance.now();
    const input = modelInput(record, this.meta);
    const logits = await this.net.logits(input.data, input.shape);
    const measured = measureRecord(input.record);
    const milliseconds = performance.now() - t0;
    return this.result(input, logits, measured, milliseconds);
  }

  private result(input: ModelInput, logits: Float32Array, measured: Measurements, milliseconds: number): Classification {
    const { classNames, calibration, findings: head } = this.meta;
    const T = calibration.temperature;
    const single = head ? undefined : calibratedDecision(logits, classNames.length, calibration);
    const probabilities = single?.probabilities ?? findingsOf(head!, this.findingsWeights, measured.features, logits, classNames, T);
    const order = single?.order ?? [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]);
    const unreadable = head && input.voltagesUnreadable ? classNames.flatMap((n, c) => (VOLTAGE_CLASSES.includes(n) ? [c] : [])) : [];
    const found = head ? findingsAbove(probabilities, head.thresholds, sinusRateGroup(classNames)).filter((c) => !unreadable.includes(c)) : [];
    const decided = single?.decided ?? found[0] ?? order[0];
    const thresholded = single?.thresholded ?? true;
    const score = (index: number): ClassScore => ({ index, name: classNames[index], probability: probabilities[index] });
    const warnings = [...input.warnings];
    if (unreadable.length) {
      warnings.push(`findings: ${unreadable.map((c) => classNames[c]).join(', ')} not reported: this record's leads are normalised per lead, so its voltages cannot be read (their probabilities rest on those voltages)`);
    }
    const net = this.net, render = modelRenderOptions(this.meta);
    return {
      classNames, logits, probabilities, temperature: T, warnings, record: input.record, milliseconds, backend: net.kind,
      multiLabel: head !== undefined,
      findings: head ? found.map(score) : [score(decided)],
      heartRate: measured.heartRate,
      measurements: measured,
      decision: { ...score(decided), thresholded },
      top: (n = 3) => order.slice(0, Math.max(0, Math.floor(n))).map(score),
      saliency: async (opts = {}) => {
        if (this.disposed) throw new Error('saliency: the classifier was disposed');
        const map = await net.gradCam(input.data, opts.cls ?? decided);
        return { ...saliencyPicture(input.record, render, map, opts.size), cls: map.cls, map };
      },
    };
  }

  /** Frees the model's GPU memory; the classifier cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.net.dispose();
  }
}
