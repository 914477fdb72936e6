/** In-memory image sets of rendered synthetic records for trainer tests (not a test file itself). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { renderToTensorData } from '../../src/ecg/render.js';
import { NUM_CLASSES } from '../../src/ecg/types.js';
import type { ImageSet } from '../../src/train/data.js';
import { PRESETS } from '../../src/train/presets.js';

export const preset = PRESETS.tiny;
export const S = preset.model.inputSize;

export class MemorySet implements ImageSet {
  readonly shape: [number, number, number] = [1, S, S];
  constructor(private images: Float32Array[], private labels: number[]) {}
  get count() { return this.images.length; }
  image(i: number) { return this.images[i]; }
  label(i: number) { return this.labels[i]; }
  name(i: number) { return `synthetic-${i}`; }
}

/** `perClass` records of each class, rendered with the tiny preset. */
export function syntheticSet(perClass: number, seed: number): MemorySet {
  const images: Float32Array[] = [], labels: number[] = [];
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      images.push(renderToTensorData(generateRecord(c, seed + i * 97 + c), { ...preset.render, channels: 1 }));
      labels.push(c);
    }
  }
  return new MemorySet(images, labels);
}

/**
 * The shared set-up of trainer tests: the GPU, a training and a validation set (`perClass`, `seed`
 * each), and temporary run folders removed when the file's tests end. Read the sets inside tests.
 */
export function trainerFixture(train: [number, number], val: [number, number], prefix: string) {
  const dirs: string[] = [];
  const fx = {
    trainSet: undefined as unknown as MemorySet,
    valSet: undefined as unknown as MemorySet,
    tmp: () => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d; },
  };
  beforeAll(async () => {
    await gpu();
    fx.trainSet = syntheticSet(...train);
    fx.valSet = syntheticSet(...val);
  });
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  return fx;
}
