/**
 * renderItemsParallel renders in worker threads exactly what renderItems renders in this thread: the
 * same tensors bit for bit, the same items, labels and skipped records in the same order, at the
 * default preset's input (13 planes of 64 × 256, rhythm plane); and it goes through the same cache.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSynthetic, renderItems, type DatasetItem } from '../../src/ecg/dataset.js';
import { renderItemsParallel } from '../../src/ecg/render-parallel.js';
import { workerModuleAvailable } from '../../src/ecg/start-worker.js';
import { PRESETS } from '../../src/train/presets.js';

let root: string, items: DatasetItem[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ecgpu-rp-'));
  const paths = prepareSynthetic(join(root, 'db'), 1, 11); // one record of each of the 10 classes
  items = paths.map((path, i) => ({ path, label: i % 10, classes: [i % 10] }));
  // A record that went missing after the split: skipped by both, in the same place.
  items.splice(4, 0, { path: join(root, 'db', 'gone.hea'), label: 3, classes: [3] });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('renderItemsParallel', () => {
  const render = PRESETS.quick.render;

  it('gives the batch renderItems gives, bit for bit, from 2 worker threads', async () => {
    const serial = renderItems(items, render);
    const parallel = await renderItemsParallel(items, render, { workers: 2, minParallel: 0, batch: 3 });
    expect(parallel.shape).toEqual([10, 13, 64, 256]);
    expect(parallel.shape).toEqual(serial.shape);
    expect(parallel.items).toEqual(serial.items);
    expect(Array.from(parallel.labels)).toEqual(Array.from(serial.labels));
    expect(parallel.bad).toEqual(serial.bad);
    expect(parallel.bad[0].reason).toMatch(/gone\.hea: file not found/);
    expect(parallel.rendered).toBe(10);
    expect(Buffer.from(parallel.data.buffer).equals(Buffer.from(serial.data.buffer))).toBe(true);
  }, 120_000);

  it('reads and fills the render cache as renderItems does', async () => {
    const cacheDir = join(root, 'cache');
    const first = await renderItemsParallel(items.slice(0, 6), { ...render, cacheDir }, { workers: 2, minParallel: 0 });
    expect([first.cacheHits, first.rendered]).toEqual([0, 5]);
    // Five from the cache (written by the parallel run), five rendered in the workers.
    const second = await renderItemsParallel(items, { ...render, cacheDir }, { workers: 2, minParallel: 0 });
    expect([second.cacheHits, second.rendered]).toEqual([5, 5]);
    const serial = renderItems(items, { ...render, cacheDir });
    expect([serial.cacheHits, serial.rendered]).toEqual([10, 0]);
    expect(Buffer.from(second.data.buffer).equals(Buffer.from(serial.data.buffer))).toBe(true);
  }, 120_000);

  it('uses workers only where their module can be started (a bundle without render-worker.js renders in-thread)', () => {
    const sources = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../src/ecg/render-parallel.ts')).href;
    expect(workerModuleAvailable(sources, 'render-worker')).toBe(true);
    expect(workerModuleAvailable(sources, 'no-such-worker')).toBe(false);
    // As the GPU kit's check.mjs: a bundle with no worker file beside it, then with one.
    const bundle = pathToFileURL(join(root, 'check.mjs')).href;
    expect(workerModuleAvailable(bundle, 'render-worker')).toBe(false);
    writeFileSync(join(root, 'render-worker.js'), '');
    expect(workerModuleAvailable(bundle, 'render-worker')).toBe(true);
    expect(workerModuleAvailable('https://example.org/app.js', 'render-worker')).toBe(false);
  });
});
