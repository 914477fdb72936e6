/**
 * Where a Classifier's network runs: on the WebGPU device (the engine's kernels) or on the CPU in plain
 * TypeScript (models/cpu-forward.ts), for browsers and machines without a WebGPU adapter. `auto` takes
 * WebGPU when an adapter is found and the CPU otherwise. Both give logits and Grad-CAM maps.
 */
import { init } from '../engine/engine.js';
import { NoAdapterError, type AdapterDescription } from '../engine/device.js';
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { noGrad } from '../autograd/index.js';
import type { AlexNet } from '../models/alexnet.js';
import { CpuNetwork } from '../models/cpu-forward.js';
import { gradCamMap } from '../models/grad-cam-map.js';
import { loadModel, ModelFileError, readModelTensors, splitFindings, type ModelMeta } from '../models/model-file.js';
import { gradCam, type SaliencyMap } from '../inference/saliency.js';

/** What a caller may ask for. */
export type BackendChoice = 'webgpu' | 'cpu' | 'auto';
/** What ran. */
export type BackendKind = 'webgpu' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'cpu'];

export interface InferenceBackend {
  readonly kind: BackendKind;
  /** The WebGPU adapter (undefined on the CPU). */
  readonly adapter?: AdapterDescription;
  /** Logits of one normalised CHW image. */
  logits(input: Float32Array, shape: readonly [number, number, number]): Promise<Float32Array>;
  gradCam(input: Float32Array, cls: number): Promise<SaliencyMap>;
  dispose(): void;
}

class WebGpuBackend implements InferenceBackend {
  readonly kind = 'webgpu';
  constructor(private readonly model: AlexNet, readonly adapter: AdapterDescription) {}
  async logits(input: Float32Array, shape: readonly [number, number, number]): Promise<Float32Array> {
    const out = tidy(() => noGrad(() => this.model.forward(Tensor.from(input, [1, ...shape]))));
    try {
      return await out.read();
    } finally {
      out.dispose();
    }
  }
  gradCam(input: Float32Array, cls: number): Promise<SaliencyMap> {
    return gradCam(this.model, input, cls);
  }
  dispose(): void {
    this.model.dispose();
  }
}

class CpuBackend implements InferenceBackend {
  readonly kind = 'cpu';
  readonly adapter = undefined;
  constructor(private readonly net: CpuNetwork) {}
  async logits(input: Float32Array): Promise<Float32Array> {
    return this.net.forward(input);
  }
  async gradCam(input: Float32Array, cls: number): Promise<SaliencyMap> {
    const r = this.net.activationsAndGradient(input, cls);
    return { map: gradCamMap(r.acts, r.grad, r.c, r.h, r.w), h: r.h, w: r.w, cls: r.cls, logits: r.logits };
  }
  dispose(): void {}
}

/** An opened model: where its network runs, its description, and the findings head's weights (host memory). */
export interface OpenedModel { backend: InferenceBackend; meta: ModelMeta; warnings: string[]; findingsWeights: Map<string, Float32Array> }

function openCpu(bytes: Uint8Array, name: string): OpenedModel {
  const { meta, tensors, warnings } = readModelTensors(bytes, name);
  const { network, findingsWeights } = splitFindings(tensors, meta, name);
  let net: CpuNetwork;
  try {
    net = new CpuNetwork(meta.config, network, name);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(name, `its config does not describe a buildable model (${(e as Error).message})`);
  }
  return { backend: new CpuBackend(net), meta, warnings, findingsWeights };
}

async function openWebGpu(bytes: Uint8Array, name: string): Promise<OpenedModel> {
  const e = await init();
  const { model, meta, warnings, findingsWeights } = loadModel(bytes, name);
  return { backend: new WebGpuBackend(model, e.adapter), meta, warnings, findingsWeights };
}

/** Opens a model file on the chosen backend. `webgpu` without an adapter throws NoAdapterError. */
export async function openBackend(bytes: Uint8Array, name: string, choice: BackendChoice = 'auto'): Promise<OpenedModel> {
  if (!BACKEND_CHOICES.includes(choice)) throw new Error(`backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  if (choice === 'cpu') return openCpu(bytes, name);
  if (choice === 'webgpu') return openWebGpu(bytes, name);
  // auto: a file that cannot be read fails the same way on either path, so the device is the only question.
  // Any failure to get one (no navigator.gpu, no adapter, a device request refused) means the CPU.
  try {
    await init();
  } catch (e) {
    const why = e instanceof NoAdapterError ? 'no WebGPU adapter' : `WebGPU failed to start (${(e as Error).message.split('\n')[0]})`;
    const cpu = openCpu(bytes, name);
    return { ...cpu, warnings: [...cpu.warnings, `${why}: running on the CPU`] };
  }
  return openWebGpu(bytes, name);
}
