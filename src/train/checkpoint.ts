/**
 * Training checkpoints: model tensors, optimiser state and the trainer's own state in one file,
 * written atomically (write to a temporary file, fsync, rename) so a run killed at any moment leaves
 * either the previous checkpoint or the new one, never half of one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
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
  const values = await Promise.all(named.map(([, t]) => t.read()));
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

function readCheckpointFile<T>(path: string): { header: Checkpoint<T>; arrays: Map<string, Float32Array> } {
  const bytes = readFileSync(path);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${path}: not an ecgpu checkpoint`);
  const len = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + len)) as Checkpoint<T>;
  let offset = 12 + len;
  const arrays = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    const end = offset + 4 * t.length;
    if (end > bytes.length) throw new Error(`${path}: truncated at tensor ${t.name}`);
    arrays.set(t.name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end)));
    offset = end;
  }
  return { header, arrays };
}

function restoreModel(path: string, model: Module, arrays: Map<string, Float32Array>): void {
  for (const [name, t] of model.namedTensors()) {
    const a = arrays.get(`model/${name}`);
    if (!a) throw new Error(`${path}: no tensor for ${name} (was the checkpoint made by another architecture?)`);
    overwrite(t, a);
  }
}

/** Restores model tensors and optimiser state; returns the trainer state saved with them. */
export function loadCheckpoint<T>(path: string, model: Module, optimizer: Optimizer): T {
  const { header, arrays } = readCheckpointFile<T>(path);
  restoreModel(path, model, arrays);
  const { slotCounts, ...meta } = header.optimizer;
  optimizer.loadState({
    ...meta,
    slots: slotCounts.map((n, i) => (n ? Array.from({ length: n }, (_, k) => arrays.get(`optim/${i}/${k}`)!) : null)),
  });
  return header.trainer;
}

/** Restores only the model tensors (e.g. the best epoch's weights for evaluation). */
export function loadCheckpointWeights<T>(path: string, model: Module): T {
  const { header, arrays } = readCheckpointFile<T>(path);
  restoreModel(path, model, arrays);
  return header.trainer;
}
