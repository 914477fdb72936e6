/**
 * The embeddable classifier, the same code in Node and in browsers:
 *
 *   const clf = await Classifier.load();          // the bundled default; or a URL, a path (Node), bytes, a Blob
 *   const r = await clf.classify(record);         // a parsed record (readRecord, readRecordFiles, or arrays)
 *   r.probabilities; r.decision; r.top(3); await r.saliency();
 *   clf.dispose();
 *
 * Probabilities are calibrated with the model's temperature, the decision applies its per-class
 * thresholds; records a 12-lead model cannot read are refused (UnreadableRecordError) and what was
 * repaired is listed in `warnings`.
 */
import { engine, init } from '../engine/engine.js';
import type { AdapterDescription } from '../engine/device.js';
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { noGrad } from '../autograd/index.js';
import type { AlexNet } from '../models/alexnet.js';
import { loadModel, type ModelMeta } from '../models/model-file.js';
import { renderDefaults } from '../ecg/render.js';
import type { EcgRecord } from '../ecg/types.js';
import { applyThresholds, softmax } from '../train/eval/index.js';
import { gradCam, saliencyPicture, type SaliencyMap } from '../train/saliency.js';
import { modelInput, modelRenderOptions, type ModelInput } from './model-input.js';
import { modelBytes, type ModelSource } from './model-source.js';

export interface ClassScore { index: number; name: string; probability: number }

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
  /** softmax(logits / temperature). */
  probabilities: Float64Array;
  temperature: number;
  /** The class chosen by the model's per-class thresholds (argmax when it has none). */
  decision: ClassScore & { thresholded: boolean };
  /** The k most probable classes. */
  top(k?: number): ClassScore[];
  /**
   * Grad-CAM for `cls` (default the decision) over a human-sized picture of the record (`size` px, default
   * 880; see saliencyPicture and pictureOptions in train/saliency.ts for its geometry).
   */
  saliency(opts?: { size?: number; cls?: number }): Promise<SaliencyImage>;
  /** What was repaired or tolerated on the way (derived leads, ignored leads, padding, …). */
  warnings: string[];
  /** The record as the model saw it: the 12 standard leads in order. */
  record: EcgRecord;
  /** Wall time of rendering + forward pass + readback, ms. */
  milliseconds: number;
}

export interface LoadOptions {
  /** Where the browser finds the default model (default: `default.ecgpu` next to the script). */
  defaultModelUrl?: string | URL;
}

export class Classifier {
  private disposed = false;

  private constructor(
    private readonly model: AlexNet,
    /** Everything the model file says about itself: config, classes, input, calibration, provenance. */
    readonly meta: ModelMeta,
    /** Where the model came from, for messages. */
    readonly source: string,
    /** Problems the model file had that did not stop it loading (e.g. no checksum). */
    readonly warnings: string[],
  ) {}

  /** Loads a model (initialising WebGPU on first use). Bad files throw a one-line ModelFileError. */
  static async load(source?: ModelSource, opts: LoadOptions = {}): Promise<Classifier> {
    const { bytes, name } = await modelBytes(source, opts.defaultModelUrl);
    await init();
    const { model, meta, warnings } = loadModel(bytes, name); // every check, render geometry included
    return new Classifier(model, meta, name, warnings);
  }

  get classNames(): readonly string[] { return this.meta.classNames; }

  /** The WebGPU adapter the model runs on. */
  get adapter(): AdapterDescription { return engine().adapter; }

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
    const logits = await this.forward(input);
    const milliseconds = performance.now() - t0;
    return this.result(input, logits, milliseconds);
  }

  private async forward(input: ModelInput): Promise<Float32Array> {
    const out = tidy(() => noGrad(() => this.model.forward(Tensor.from(input.data, [1, ...input.shape]))));
    try {
      return await out.read();
    } finally {
      out.dispose();
    }
  }

  private result(input: ModelInput, logits: Float32Array, milliseconds: number): Classification {
    const { classNames, calibration } = this.meta;
    const k = classNames.length;
    const T = calibration.temperature;
    const probabilities = softmax(logits, k, T);
    const score = (index: number): ClassScore => ({ index, name: classNames[index], probability: probabilities[index] });
    const order = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]);
    const thresholded = calibration.thresholds.length === k;
    const decided = thresholded ? applyThresholds(probabilities, calibration.thresholds)[0] : order[0];
    const warnings = [...input.warnings];
    const model = this.model, render = modelRenderOptions(this.meta);
    return {
      classNames, logits, probabilities, temperature: T, warnings, record: input.record, milliseconds,
      decision: { ...score(decided), thresholded },
      top: (n = 3) => order.slice(0, Math.max(0, Math.floor(n))).map(score),
      saliency: async (opts = {}) => {
        if (this.disposed) throw new Error('saliency: the classifier was disposed');
        const map = await gradCam(model, input.data, opts.cls ?? decided);
        return { ...saliencyPicture(input.record, render, map, opts.size), cls: map.cls, map };
      },
    };
  }

  /** Frees the model's GPU memory; the classifier cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
