/**
 * The ten bundled demo records, one per class, made by the project's synthetic generator and written as
 * PhysioNet Challenge files (.hea + .mat) into web/demo/samples, with an index.json the page reads.
 *
 *   npm run demo:samples
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRecord } from '../src/ecg/synthetic.js';
import { CLASS_NAMES } from '../src/ecg/types.js';
import { writeRecord } from '../src/ecg/wfdb-writer.js';

/** Seeds outside the range the datasets use (datasets: seed·1000003 + i), so no sample is a training record. */
export const SAMPLE_SEED = 777_000;

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'demo', 'samples');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const index = CLASS_NAMES.map((cls, c) => {
  const name = `sample-${c}`;
  writeRecord(dir, generateRecord(c, SAMPLE_SEED + c, { name }), name);
  return { name, cls: c, label: cls, files: [`${name}.hea`, `${name}.mat`], seed: SAMPLE_SEED + c };
});
writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
console.log(`wrote ${index.length} samples to ${dir}`);
