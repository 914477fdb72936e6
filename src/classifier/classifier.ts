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
 * repaired is listed in `warnings`.
 */
import type { AdapterDescription } from '../engine/device.js';
import { ModelFileError, type ModelMeta } from '../models/model-file.js';
import { inputDims } from '../models/alexnet.js';
import { renderDefaults, tensorChannels } from '../ecg/render.js';
import type { EcgRecord } from '../ecg/types.js';
import { applyThresholds, softmax } from '../train/eval/index.js';
import { saliencyPicture, type SaliencyMap } from '../train/saliency.js';
import { openBackend, type BackendChoice, type BackendKind, type InferenceBackend } from './inference-backend.js';
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
  /** Where the forward pass ran. */
  backend: BackendKind;
  /** Multi-label findings: every class above its own threshold (may be empty); filled by models that have them. */
  findings?: ClassScore[];
  /** Heart rate measured from the record, when available. */
  heartRate?: { bpm: number; rrIrregularity: number; beats: number };
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

/** Whether the file's render options draw the image its network takes (channels, height, width). */
function geometryMismatch(meta: ModelMeta): string | undefined {
  const render = modelRenderOptions(meta);
  const o = renderDefaults(render);
  const [h, w] = inputDims(meta.config);
  let c: number;
  try {
    c = tensorChannels(render);
  } catch (e) {
    return (e as Error).message;
  }
  if (o.height === h && o.width === w && c === meta.config.inChannels) return undefined;
  return `its render options draw ${c}×${o.height}×${o.width} images but the network takes ${meta.config.inChannels}×${h}×${w}`;
}

export class Classifier {
  private disposed = false;

  private constructor(
    private readonly net: InferenceBackend,
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
    const { backend, meta, warnings } = await openBackend(bytes, name, opts.backend ?? 'auto');
    const mismatch = geometryMismatch(meta);
    if (mismatch) {
      backend.dispose();
      throw new ModelFileError(name, mismatch);
    }
    return new Classifier(backend, meta, name, warnings);
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
    const milliseconds = performance.now() - t0;
    return this.result(input, logits, milliseconds);
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
    const net = this.net, render = modelRenderOptions(this.meta);
    return {
      classNames, logits, probabilities, temperature: T, warnings, record: input.record, milliseconds, backend: net.kind,
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
