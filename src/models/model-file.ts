/**
 * The ecgpu model file: 8-byte magic `ECGPU\x01\0\0`, a little-endian u32 header length, a JSON header
 * (architecture, input, class names, normalisation, calibration, tensor table, CRC-32 of the payload),
 * padding to 4 bytes, then the raw little-endian f32 tensors in table order. Loadable in Node and in
 * browsers (bytes in, bytes out). Everything wrong with a file is a ModelFileError naming the file and
 * the problem in one line; the header is validated completely before anything is put on the GPU.
 */
import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import { createModel, inputDims, type AlexNet, type AlexNetConfig } from './alexnet.js';
import { crc32 } from '../image/crc32.js';
import { findingsTensorShapes, type FindingsSpec } from './findings-head.js';
import { renderOptionsProblem } from './render-geometry.js';

const MAGIC = [0x45, 0x43, 0x47, 0x50, 0x55, 0x01, 0x00, 0x00];
const ARCHITECTURES = ['alexnet', 'alexnet-m-se'];

/** A model file that cannot be used: `file` names it, `problem` says what is wrong. */
export class ModelFileError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

export interface Calibration {
  /** Softmax temperature fitted on validation (1 = uncalibrated). */
  temperature: number;
  /** Per-class decision thresholds (fitted by src/train/eval/calibration.ts, applied by src/inference/probabilities.ts); empty for plain argmax. */
  thresholds: number[];
}

export interface ModelMeta {
  config: AlexNetConfig;
  classNames: string[];
  /** How records become input tensors: render options (incl. channels), and per-channel normalisation. */
  input: { render: Record<string, unknown>; mean: number[]; std: number[] };
  calibration: Calibration;
  /** The multi-label findings head over measurements and the network's logits (models trained on real records). */
  findings?: FindingsSpec;
  /** Free-form provenance: dataset, epochs, metrics. */
  info?: Record<string, unknown>;
}

interface TensorEntry { name: string; shape: number[]; offset: number; length: number }
/** A tensor held on the host (the findings head's weights). */
export interface HostEntry { name: string; shape: number[]; data: Float32Array }
interface Header extends ModelMeta {
  format: 'ecgpu-model';
  version: 1;
  tensors: TensorEntry[];
  /** CRC-32 of every byte after the header padding (absent in files written before it existed). */
  payloadCrc32?: number;
}

/**
 * Serialises `model` with `meta`; `extra` are host tensors stored after the network's (the findings
 * head's `findings.*`, described by meta.findings).
 */
export async function saveModel(model: AlexNet, meta: Omit<ModelMeta, 'config'>, extra: readonly HostEntry[] = []): Promise<Uint8Array> {
  const named: { name: string; shape: readonly number[] }[] = model.namedTensors().map(([name, t]) => ({ name, shape: t.shape }));
  const datas = [...await Promise.all(model.namedTensors().map(([, t]) => t.read())), ...extra.map((e) => e.data)];
  named.push(...extra.map(({ name, shape }) => ({ name, shape })));
  let offset = 0;
  const tensors: TensorEntry[] = named.map(({ name, shape }, i) => {
    const e = { name, shape: [...shape], offset, length: datas[i].length };
    offset += datas[i].length * 4;
    return e;
  });
  const payload = new Uint8Array(offset);
  const view = new DataView(payload.buffer);
  datas.forEach((d, i) => {
    const base = tensors[i].offset;
    for (let j = 0; j < d.length; j++) view.setFloat32(base + 4 * j, d[j], true);
  });
  const header: Header = { format: 'ecgpu-model', version: 1, ...meta, config: model.config, tensors, payloadCrc32: crc32(payload) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(headerBytes + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payload, headerBytes);
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isFiniteArray = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) > 0;

function findingsProblem(f: unknown, k: number): string | undefined {
  if (!isObject(f)) return 'not an object';
  if (typeof f.criteriaWeight !== 'number' || !(f.criteriaWeight >= 0 && f.criteriaWeight <= 1)) return 'criteriaWeight must be a number in [0, 1]';
  if (!isFiniteArray(f.thresholds) || f.thresholds.length !== k || f.thresholds.some((t) => !(t > 0 && t < 1))) return `thresholds must be ${k} probabilities in (0, 1)`;
  if (f.criteriaClasses !== undefined && !(Array.isArray(f.criteriaClasses) && f.criteriaClasses.every((c) => Number.isInteger(c) && c >= 0 && c < k))) return `criteriaClasses must be class indices below ${k}`;
  if (f.headClasses !== undefined) {
    if (f.head === undefined) return 'headClasses given without a head';
    if (!(Array.isArray(f.headClasses) && f.headClasses.every((c) => Number.isInteger(c) && c >= 0 && c < k)) || new Set(f.headClasses).size !== f.headClasses.length) return `headClasses must be distinct class indices below ${k}`;
  }
  if (f.head === undefined) return undefined;
  const h = f.head;
  if (!isObject(h)) return 'head is not an object';
  if (!Array.isArray(h.inputs) || h.inputs.length === 0 || !h.inputs.every((n) => typeof n === 'string' && n !== '')) return 'head inputs must be a list of input names';
  const n = h.inputs.length;
  if (new Set(h.inputs).size !== n) return 'head input names must be distinct';
  if (!isFiniteArray(h.mean) || !isFiniteArray(h.std) || h.mean.length !== n || h.std.length !== n) return `head mean and std must be ${n} finite numbers each`;
  if (h.std.some((v) => !(v > 0))) return 'head std must be positive';
  if (!isCount(h.hidden) || !isCount(h.members)) return 'head hidden and members must be positive integers';
  return undefined;
}

/** Longest class name accepted: names are printed on one line of a terminal and in reports. */
const MAX_CLASS_NAME = 100;
// C0/C1 controls, DEL and the bidirectional overrides: they would reach a terminal with every answer.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Class names must be k distinct, non-empty, printable names: a model answers with them. */
function classNamesProblem(names: unknown, k: number): string | undefined {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.trim() !== '')) return 'classNames must be a list of non-empty names';
  if (names.length !== k) return `${names.length} class names for a model with ${k} classes`;
  const first = new Map<string, number>();
  for (const [i, n] of (names as string[]).entries()) {
    if (n.length > MAX_CLASS_NAME) return `class name ${i} is ${n.length} characters long (at most ${MAX_CLASS_NAME})`;
    if (CONTROL.test(n)) return `class name ${i} ${JSON.stringify(n)} holds control characters`;
    const key = n.trim().toLowerCase();
    const j = first.get(key);
    if (j !== undefined) return `class names ${j} and ${i} are both ${JSON.stringify(n.trim())}: a model's classes must be told apart by name`;
    first.set(key, i);
  }
  return undefined;
}

/** Every structural problem of a parsed header, before anything is built (first one found). */
function headerProblem(h: Record<string, unknown>, payloadBytes: number): string | undefined {
  if (h.format !== 'ecgpu-model') return `not an ecgpu model header (format ${JSON.stringify(h.format)})`;
  if (h.version !== 1) return `unsupported model file version ${JSON.stringify(h.version)} (this ecgpu reads version 1)`;
  const c = h.config;
  if (!isObject(c)) return 'header has no model config';
  if (!ARCHITECTURES.includes(c.architecture as string)) return `unknown architecture ${JSON.stringify(c.architecture)} (expected ${ARCHITECTURES.join(' or ')})`;
  // JSON turns NaN and ±Infinity into null.
  for (const [k, v] of Object.entries(c)) if (v === null) return `config.${k} is missing (null)`;
  if (!isCount(c.numClasses)) return `config.numClasses must be a positive integer, got ${JSON.stringify(c.numClasses)}`;
  if (!isCount(c.inChannels)) return `config.inChannels must be a positive integer, got ${JSON.stringify(c.inChannels)}`;
  for (const key of ['inputSize', 'inputHeight', 'inputWidth'] as const) {
    if (c[key] !== undefined && !isCount(c[key])) return `config.${key} must be a positive integer, got ${JSON.stringify(c[key])}`;
  }
  if (c.inputSize === undefined && (c.inputHeight === undefined || c.inputWidth === undefined)) return 'config gives no input size (inputSize, or inputHeight and inputWidth)';
  // Bounds far above any real network's: past them building the model would only exhaust memory.
  if (typeof c.width !== 'number' || !(c.width > 0 && c.width <= 16)) return `config.width must be a number in (0, 16], got ${JSON.stringify(c.width)}`;
  if (!isCount(c.fcWidth) || (c.fcWidth as number) > 65536) return `config.fcWidth must be an integer from 1 to 65536, got ${JSON.stringify(c.fcWidth)}`;
  if (c.channels !== undefined && !(Array.isArray(c.channels) && c.channels.length === 5 && c.channels.every((n) => isCount(n) && n <= 65536))) {
    return `config.channels must be 5 channel counts from 1 to 65536, got ${JSON.stringify(c.channels).slice(0, 60)}`;
  }
  if (c.seReduction !== undefined && !isCount(c.seReduction)) return `config.seReduction must be a positive integer, got ${JSON.stringify(c.seReduction)}`;
  if (c.dropout !== undefined && !(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) return `config.dropout must be a number in [0, 1), got ${JSON.stringify(c.dropout)}`;
  const k = c.numClasses;
  const names = classNamesProblem(h.classNames, k);
  if (names) return names;
  const input = h.input;
  if (!isObject(input) || !isObject(input.render)) return 'header has no input description (render options, mean, std)';
  const [height, width] = inputDims(c as unknown as AlexNetConfig);
  const render = renderOptionsProblem(input.render, { channels: c.inChannels, height, width });
  if (render) return render;
  if (!isFiniteArray(input.mean) || !isFiniteArray(input.std)) return 'input.mean and input.std must be lists of finite numbers';
  if (input.mean.length !== c.inChannels || input.std.length !== c.inChannels) {
    return `input normalisation has ${input.mean.length} means and ${input.std.length} stds for ${c.inChannels} input channel(s)`;
  }
  if (input.std.some((s) => s <= 0)) return `input.std must be positive, got [${input.std}]`;
  const cal = h.calibration;
  if (!isObject(cal)) return 'header has no calibration';
  if (typeof cal.temperature !== 'number' || !(cal.temperature > 0) || !Number.isFinite(cal.temperature)) return `calibration temperature must be a positive number, got ${JSON.stringify(cal.temperature)}`;
  if (!isFiniteArray(cal.thresholds) || (cal.thresholds.length !== 0 && cal.thresholds.length !== k)) {
    return `calibration thresholds must be empty or ${k} finite numbers`;
  }
  // The decision is argmax of p / threshold: a threshold of 0 divides by zero, a negative one inverts the class.
  if (cal.thresholds.some((t) => t <= 0)) return `calibration thresholds must be positive (the decision divides by them), got [${cal.thresholds.join(', ')}]`;
  if (h.findings !== undefined) {
    const problem = findingsProblem(h.findings, k);
    if (problem) return `findings head: ${problem}`;
  }
  if (!Array.isArray(h.tensors) || h.tensors.length === 0) return 'header has no tensor table';
  let end = 0;
  for (const t of h.tensors as unknown[]) {
    if (!isObject(t) || typeof t.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) return `malformed tensor entry ${JSON.stringify(t).slice(0, 80)}`;
    const n = t.shape.reduce((a: number, b: number) => a * b, 1);
    if (t.length !== n) return `tensor ${t.name}: length ${t.length} does not match its shape [${t.shape}]`;
    if (!Number.isInteger(t.offset) || (t.offset as number) < 0 || (t.offset as number) % 4 !== 0) return `tensor ${t.name}: bad offset ${t.offset}`;
    end = Math.max(end, (t.offset as number) + 4 * n);
  }
  if (end > payloadBytes) return `truncated: the tensors need ${end} bytes of data, the file has ${payloadBytes}`;
  if (end < payloadBytes) return `${payloadBytes - end} unexpected bytes after the last tensor`;
  if (h.payloadCrc32 !== undefined && !(Number.isInteger(h.payloadCrc32) && (h.payloadCrc32 as number) >= 0)) return `bad payloadCrc32 ${JSON.stringify(h.payloadCrc32)}`;
  return undefined;
}

/** Parses and validates the header (no GPU). Throws ModelFileError; `warnings` lists what was tolerated. */
export function readModelHeader(bytes: Uint8Array, source = 'model'): { header: Header; dataStart: number; warnings: string[] } {
  const fail = (problem: string): never => { throw new ModelFileError(source, problem); };
  if (bytes.length === 0) fail('empty file');
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not an ecgpu model file (bad magic; expected a file written by ecgpu train/compare)');
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + len > bytes.length) fail(`truncated header (${len} bytes announced, ${bytes.length - 12} present)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + len)));
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed)) fail('header is not a JSON object');
  const dataStart = Math.ceil((12 + len) / 4) * 4;
  const problem = headerProblem(parsed as Record<string, unknown>, Math.max(0, bytes.length - dataStart));
  if (problem) fail(problem);
  const header = parsed as unknown as Header;
  const warnings: string[] = [];
  if (header.payloadCrc32 === undefined) warnings.push(`${source}: no payload checksum (written by an older ecgpu), so damaged weights cannot be detected`);
  else {
    const actual = crc32(bytes.subarray(dataStart));
    if (actual !== header.payloadCrc32) fail(`payload checksum mismatch (CRC-32 ${hex(actual)}, header says ${hex(header.payloadCrc32)}): the file is damaged or was altered`);
  }
  return { header, dataStart, warnings };
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

export interface LoadedModel {
  model: AlexNet;
  meta: ModelMeta;
  warnings: string[];
  /** The findings head's tensors by name (host memory), when meta.findings is present; else empty. */
  findingsWeights: Map<string, Float32Array>;
}

/**
 * What is wrong with one tensor's values (undefined: nothing). Non-finite values anywhere; a weight
 * tensor (a `.weight` of a convolution or linear layer, 2 or more dimensions) whose values are all
 * equal, which makes every unit of its layer the same, and a `.weight` that is all zero (a batch-norm
 * scale of 0 gives the same output for every input). Biases, batch-norm shifts and running means may
 * be constant (a freshly initialised model has them so); a running variance may not be negative.
 */
function tensorProblem(name: string, shape: readonly number[], data: Float32Array): string | undefined {
  const bad = data.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
  if (bad) {
    const j = data.findIndex((v) => !Number.isFinite(v));
    return `tensor ${name} has ${bad} non-finite weight(s) (first at index ${j}: ${data[j]}); the model cannot give meaningful answers`;
  }
  if (data.length === 0) return undefined;
  if (name.endsWith('.running_var') && data.some((v) => v < 0)) return `tensor ${name} holds a negative variance (${data.find((v) => v < 0)}); the file is damaged`;
  if (!name.endsWith('.weight')) return undefined;
  const allEqual = data.every((v) => v === data[0]);
  if (allEqual && data[0] === 0) return `tensor ${name}: all ${data.length} weights are 0 (a wiped or never-trained file); the model would give every record the same answer`;
  if (allEqual && shape.length >= 2 && data.length > 1) return `tensor ${name}: all ${data.length} weights are ${data[0]}; its layer cannot tell inputs apart, so the model would give every record the same answer`;
  return undefined;
}

/** A model file read on the host: its description and every tensor by name (no GPU). */
export interface HostModel { meta: ModelMeta; tensors: Map<string, HostWeights>; warnings: string[] }
export interface HostWeights { shape: number[]; data: Float32Array }

/** Parses, validates and decodes a model file on the host, every tensor's values checked (tensorProblem). */
export function readModelTensors(bytes: Uint8Array, source = 'model'): HostModel {
  const { header, dataStart, warnings } = readModelHeader(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart);
  const tensors = new Map<string, HostWeights>();
  for (const e of header.tensors) {
    const data = new Float32Array(e.length);
    for (let j = 0; j < e.length; j++) data[j] = view.getFloat32(e.offset + 4 * j, true);
    const problem = tensorProblem(e.name, e.shape, data);
    if (problem) throw new ModelFileError(source, problem);
    tensors.set(e.name, { shape: e.shape, data });
  }
  const { tensors: _t, format: _f, version: _v, payloadCrc32: _c, ...meta } = header;
  return { meta, tensors, warnings };
}

/**
 * Every check a model file gets, without the GPU: the header (format, config, classes, input and render
 * options against the network's input, calibration, findings, tensor table, checksum) and every
 * tensor's values. What loadModel runs before it builds anything; a command that loads a model later
 * calls it up front.
 */
export function checkModelFile(bytes: Uint8Array, source = 'model'): { meta: ModelMeta; warnings: string[] } {
  const { meta, warnings } = readModelTensors(bytes, source);
  return { meta, warnings };
}

/**
 * Checks a file's tensors against what a model expects (name → shape): every expected tensor present
 * with its shape, nothing else. Throws ModelFileError.
 */
export function checkTensorTable(file: Map<string, HostWeights>, expected: [string, readonly number[]][], architecture: string, source: string): void {
  for (const [name, shape] of expected) {
    const e = file.get(name);
    if (!e) throw new ModelFileError(source, `tensor ${name} missing`);
    if (e.shape.join() !== shape.join()) throw new ModelFileError(source, `tensor ${name} has shape [${e.shape}], the model expects [${shape}]`);
  }
  const names = new Set(expected.map(([n]) => n));
  const unknown = [...file.keys()].filter((n) => !names.has(n));
  if (unknown.length) throw new ModelFileError(source, `tensor(s) ${unknown.slice(0, 3).join(', ')} do not belong to a ${architecture} model`);
}

/**
 * Separates the findings head's tensors (`findings.*`, checked against meta.findings) from the image
 * network's. Throws ModelFileError for a missing or misshapen head tensor.
 */
export function splitFindings(tensors: Map<string, HostWeights>, meta: ModelMeta, source: string): { network: Map<string, HostWeights>; findingsWeights: Map<string, Float32Array> } {
  const network = new Map(tensors);
  const findingsWeights = new Map<string, Float32Array>();
  for (const [name, shape] of meta.findings?.head ? findingsTensorShapes(meta.findings.head, meta.config.numClasses) : []) {
    const e = tensors.get(name);
    if (!e) throw new ModelFileError(source, `tensor ${name} of the findings head missing`);
    if (e.shape.join() !== shape.join()) throw new ModelFileError(source, `tensor ${name} has shape [${e.shape}], the findings head expects [${shape}]`);
    findingsWeights.set(name, e.data);
    network.delete(name);
  }
  return { network, findingsWeights };
}

/** Builds the model from the file's config and uploads its tensors. */
export function loadModel(bytes: Uint8Array, source = 'model'): LoadedModel {
  // Decode and check every tensor on the host first: no GPU memory for a file that is refused.
  const { meta, tensors, warnings } = readModelTensors(bytes, source);
  let model: AlexNet;
  try {
    model = createModel(meta.config);
  } catch (e) {
    throw new ModelFileError(source, `its config does not describe a buildable model (${(e as Error).message})`);
  }
  const { network, findingsWeights } = splitFindings(tensors, meta, source);
  try {
    const named = model.namedTensors();
    checkTensorTable(network, named.map(([n, t]) => [n, t.shape]), meta.config.architecture, source);
    for (const [name, t] of named) overwrite(t, network.get(name)!.data);
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.eval();
  return { model, meta, warnings, findingsWeights };
}

/** Replaces a kept tensor's contents in place (same buffer, so the model keeps its references). */
export function overwrite(t: Tensor, data: Float32Array): void {
  if (data.length !== t.size) throw new Error(`overwrite: ${data.length} values for ${t}`);
  engine().write(t.buffer, data);
}
