/** In-memory image sets of rendered synthetic records for trainer tests (not a test file itself). */
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
