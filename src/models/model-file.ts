/**
 * The ecgpu model file: 8-byte magic `ECGPU\x01\0\0`, a little-endian u32 header length, a JSON header
 * (architecture, input, class names, normalisation, calibration, tensor table), padding to 4 bytes, then
 * the raw little-endian f32 tensors in table order. Loadable in Node and in browsers (bytes in, bytes out).
 */
import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import { createModel, type AlexNet, type AlexNetConfig } from './alexnet.js';

const MAGIC = [0x45, 0x43, 0x47, 0x50, 0x55, 0x01, 0x00, 0x00];

export interface Calibration {
  /** Softmax temperature fitted on validation (1 = uncalibrated). */
  temperature: number;
  /** Per-class decision thresholds (see src/train/eval/calibration.ts); empty for plain argmax. */
  thresholds: number[];
}

export interface ModelMeta {
  config: AlexNetConfig;
  classNames: string[];
  /** How records become input tensors: render options, and per-channel normalisation. */
  input: { render: Record<string, unknown>; mean: number[]; std: number[] };
  calibration: Calibration;
  /** Free-form provenance: dataset, epochs, metrics. */
  info?: Record<string, unknown>;
}

interface TensorEntry { name: string; shape: number[]; offset: number; length: number }
interface Header extends ModelMeta { format: 'ecgpu-model'; version: 1; tensors: TensorEntry[] }

export async function saveModel(model: AlexNet, meta: Omit<ModelMeta, 'config'>): Promise<Uint8Array> {
  const named = model.namedTensors();
  const datas = await Promise.all(named.map(([, t]) => t.read()));
  let offset = 0;
  const tensors: TensorEntry[] = named.map(([name, t], i) => {
    const e = { name, shape: [...t.shape], offset, length: datas[i].length };
    offset += datas[i].length * 4;
    return e;
  });
  const header: Header = { format: 'ecgpu-model', version: 1, ...meta, config: model.config, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(headerBytes + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const view = new DataView(out.buffer, headerBytes);
  datas.forEach((d, i) => {
    const base = tensors[i].offset;
    for (let j = 0; j < d.length; j++) view.setFloat32(base + 4 * j, d[j], true);
  });
  return out;
}

export function readModelHeader(bytes: Uint8Array, source = 'model'): { header: Header; dataStart: number } {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${source}: not an ecgpu model file (bad magic)`);
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + len > bytes.length) throw new Error(`${source}: truncated header (${len} bytes announced, ${bytes.length - 12} present)`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  } catch (e) {
    throw new Error(`${source}: header is not valid JSON (${(e as Error).message})`);
  }
  if (header.format !== 'ecgpu-model' || header.version !== 1) throw new Error(`${source}: unsupported format ${header.format} v${header.version}`);
  return { header, dataStart: Math.ceil((12 + len) / 4) * 4 };
}

/** Builds the model from the file's config and uploads its tensors. */
export function loadModel(bytes: Uint8Array, source = 'model'): { model: AlexNet; meta: ModelMeta } {
  const { header, dataStart } = readModelHeader(bytes, source);
  const model = createModel(header.config);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart);
  for (const [name, t] of model.namedTensors()) {
    const e = byName.get(name);
    if (!e) throw new Error(`${source}: tensor ${name} missing`);
    if (e.shape.join() !== t.shape.join()) throw new Error(`${source}: tensor ${name} has shape [${e.shape}], model expects [${t.shape}]`);
    if (dataStart + e.offset + 4 * e.length > bytes.length) throw new Error(`${source}: truncated data for tensor ${name}`);
    const data = new Float32Array(e.length);
    for (let j = 0; j < e.length; j++) data[j] = view.getFloat32(e.offset + 4 * j, true);
    overwrite(t, data);
  }
  model.eval();
  const { tensors: _t, format: _f, version: _v, ...meta } = header;
  return { model, meta };
}

/** Replaces a kept tensor's contents in place (same buffer, so the model keeps its references). */
export function overwrite(t: Tensor, data: Float32Array): void {
  if (data.length !== t.size) throw new Error(`overwrite: ${data.length} values for ${t}`);
  engine().write(t.buffer, data);
}
