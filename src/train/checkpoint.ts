/**
 * Training checkpoints: model tensors, optimiser state and the trainer's own state in one file,
 * written atomically (write to a temporary file, fsync, rename) so a run killed at any moment leaves
 * either the previous checkpoint or the new one, never half of one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { Tensor } from '../engine/tensor.js';
import type { Module } from '../models/module.js';
import type { Optimizer, OptimizerState } from '../optim/index.js';
import { overwrite } from '../models/model-file.js';

const MAGIC = 'ECGPUCK1';

export interface Checkpoint<T> {
  trainer: T;
  optimizer: Omit<OptimizerState, 'slots'> & { slotCounts: number[] };
  tensors: { name: string; length: number }[];
}

export async function saveCheckpoint<T>(path: string, model: Module, optimizer: Optimizer, trainer: T): Promise<void> {
  const named = model.namedTensors();
  const values = await Tensor.readAll(named.map(([, t]) => t));
  const opt = await optimizer.state();
  const arrays: { name: string; data: Float32Array }[] = named.map(([n], i) => ({ name: `model/${n}`, data: values[i] }));
  opt.slots.forEach((s, i) => s?.forEach((d, k) => arrays.push({ name: `optim/${i}/${k}`, data: d })));
  const { slots, ...optMeta } = opt;
  const header: Checkpoint<T> = {
    trainer,
    optimizer: { ...optMeta, slotCounts: slots.map((s) => s?.length ?? 0) },
    tensors: arrays.map((a) => ({ name: a.name, length: a.data.length })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const pre = Buffer.alloc(12);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(json.length, 8);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, pre);
    writeSync(fd, json);
    for (const a of arrays) writeSync(fd, new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function checkpointExists(path: string): boolean {
  return existsSync(path);
}

/** A checkpoint that cannot be used: names the file and what is wrong with it. */
export class CheckpointError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

function readCheckpointFile<T>(path: string): { header: Checkpoint<T>; arrays: Map<string, Float32Array> } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(path, code === 'ENOENT' ? 'checkpoint not found' : code === 'EISDIR' ? 'is a directory, not a checkpoint' : `cannot read (${code ?? e})`);
  }
  const bad = (why: string) => new CheckpointError(path, `${why}; delete it (and best.ckpt) or run without --resume to start afresh`);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw bad('not an ecgpu checkpoint (bad magic)');
  const len = bytes.readUInt32LE(8);
  if (12 + len > bytes.length) throw bad(`truncated header (${len} bytes announced, ${bytes.length - 12} present)`);
  let header: Checkpoint<T>;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + len)) as Checkpoint<T>;
  } catch (e) {
    throw bad(`header is not valid JSON (${(e as Error).message})`);
  }
  const h = header as Partial<Checkpoint<T>> | null;
  if (!h || typeof h !== 'object' || !Array.isArray(h.tensors) || !h.optimizer || !Array.isArray(h.optimizer.slotCounts) || !h.trainer) {
    throw bad('header lacks its tensors, optimiser or trainer state');
  }
  let offset = 12 + len;
  const arrays = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    if (typeof t?.name !== 'string' || !Number.isInteger(t.length) || t.length < 0) throw bad('header lists a malformed tensor');
    const end = offset + 4 * t.length;
    if (end > bytes.length) throw bad(`truncated at tensor ${t.name}`);
    const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end));
    if (t.name.startsWith('model/') && a.some((v) => !Number.isFinite(v))) throw bad(`tensor ${t.name} holds NaN or infinite values`);
    arrays.set(t.name, a);
    offset = end;
  }
  if (offset !== bytes.length) throw bad(`${bytes.length - offset} bytes after the last tensor`);
  return { header, arrays };
}

function restoreModel(path: string, model: Module, arrays: Map<string, Float32Array>): void {
  for (const [name, t] of model.namedTensors()) {
    const a = arrays.get(`model/${name}`);
    if (!a) throw new CheckpointError(path, `no tensor for ${name} (was the checkpoint made by another architecture or preset?)`);
    if (a.length !== t.size) throw new CheckpointError(path, `tensor ${name} has ${a.length} values, this model's has ${t.size} (another preset or architecture?)`);
  }
  for (const [name, t] of model.namedTensors()) overwrite(t, arrays.get(`model/${name}`)!);
}

/** Restores model tensors and optimiser state; returns the trainer state saved with them. */
export function loadCheckpoint<T>(path: string, model: Module, optimizer: Optimizer): T {
  const { header, arrays } = readCheckpointFile<T>(path);
  const { slotCounts, ...meta } = header.optimizer;
  const slots = slotCounts.map((n, i) => (n ? Array.from({ length: n }, (_, k) => arrays.get(`optim/${i}/${k}`)) : null));
  if (slots.some((s) => s?.some((a) => !a))) throw new CheckpointError(path, 'optimiser state is incomplete');
  restoreModel(path, model, arrays);
  try {
    optimizer.loadState({ ...meta, slots: slots as (Float32Array[] | null)[] });
  } catch (e) {
    // The optimiser names what does not fit (another --optimizer, another model); say which file.
    throw new CheckpointError(path, `${(e as Error).message.replace(/^loadState: /, '')} (was it made with another --optimizer or preset?)`);
  }
  return header.trainer;
}

/** Restores only the model tensors (e.g. the best epoch's weights for evaluation). */
export function loadCheckpointWeights<T>(path: string, model: Module): T {
  const { header, arrays } = readCheckpointFile<T>(path);
  restoreModel(path, model, arrays);
  return header.trainer;
}

/** The trainer state a checkpoint holds, without touching any model. */
export function readCheckpointState<T>(path: string): T {
  return readCheckpointFile<T>(path).header.trainer;
}
