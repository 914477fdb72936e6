/**
 * From a records folder (or the synthetic default) to three image sets: scan, select a balanced level,
 * split 70/15/15 with a seed (saved, and reused when present), render through the on-disk cache.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDataset, loadSplit, perClassTarget, prepareSynthetic, saveSplit, syntheticRecordName, type Dataset, type DatasetLevel, type TensorBatch, type TensorOptions } from '../ecg/dataset.js';
import { renderItemsParallel } from '../ecg/render-parallel.js';
import { DataError } from '../ecg/data-error.js';
import type { PhraseTable } from '../ecg/label-phrases.js';
import { commonFolder, noRecordsFound, scanRecords, type BadRecord, type ScanResult } from '../ecg/scan.js';
import { NUM_CLASSES } from '../ecg/types.js';
import type { ImageSet } from './data.js';

export function cacheRoot(): string {
  return process.env.ECGPU_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ecgpu');
}

/** Generates the synthetic database for a level once, in the cache; returns its folder. */
export function syntheticRoot(level: DatasetLevel, seed: number, progress: boolean, log: (s: string) => void): string {
  const perClass = Math.max(...Array.from({ length: NUM_CLASSES }, (_, c) => perClassTarget(level === 'all' ? 44 : level, c)));
  return syntheticFolder(`synthetic-seed${seed}-n${perClass}`, perClass, seed, 'synthetic 12-lead records', progress, log);
}

/** `perClass` synthetic records of each class in the cache folder `name`, generated on first use. */
function syntheticFolder(name: string, perClass: number, seed: number, what: string, progress: boolean, log: (s: string) => void): string {
  const dir = join(cacheRoot(), name);
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    log(`generating ${perClass * NUM_CLASSES} ${what} (${perClass} per class, seed ${seed}) in ${dir}`);
    mkdirSync(dir, { recursive: true });
    prepareSynthetic(dir, perClass, seed, { progress });
    writeFileSync(marker, new Date().toISOString());
  }
  return dir;
}

/**
 * An independent synthetic test set: `perClass` records of each class from another seed family than
 * the training database (generated once into the cache and rendered through the render cache), read
 * once at the end of a run to measure generalisation beyond the 66-record test split.
 */
export async function independentSyntheticSet(perClass: number, seed: number, render: TensorOptions, progress: boolean, log: (s: string) => void): Promise<BatchImageSet> {
  const dir = syntheticFolder(`synthetic-independent-seed${seed}-n${perClass}`, perClass, seed, 'synthetic records for the independent test set', progress, log);
  const items = Array.from({ length: perClass * NUM_CLASSES }, (_, j) => {
    const cls = j % NUM_CLASSES, i = Math.floor(j / NUM_CLASSES);
    return { path: join(dir, `${syntheticRecordName(cls, i)}.hea`), label: cls, classes: [cls] };
  });
  const batch = await renderItemsParallel(items, { ...render, cacheDir: join(cacheRoot(), 'render'), progress });
  if (batch.bad.length) throw new Error(`independent test set ${dir}: ${batch.bad.length} records unreadable (${batch.bad[0].reason}); delete the folder to regenerate it`);
  return new BatchImageSet(batch);
}

export class BatchImageSet implements ImageSet {
  readonly count: number;
  readonly shape: [number, number, number];
  private readonly per: number;
  constructor(readonly batch: TensorBatch) {
    this.count = batch.items.length;
    this.shape = [batch.shape[1], batch.shape[2], batch.shape[3]];
    this.per = this.shape[0] * this.shape[1] * this.shape[2];
  }
  image(i: number): Float32Array {
    return this.batch.data.subarray(i * this.per, (i + 1) * this.per);
  }
  label(i: number): number {
    return this.batch.labels[i];
  }
  /** Every class of record `i` (multi-label truth; `label(i)` is one of them). */
  classes(i: number): readonly number[] {
    return this.batch.items[i].classes;
  }
  name(i: number): string {
    return this.batch.items[i].path;
  }
}

export interface PreparedData {
  /** The folder all record folders lie in (the split's paths are relative to it). */
  root: string;
  /** The record folders (one: the synthetic database's, when no --data was given). */
  roots: string[];
  synthetic: boolean;
  dataset: Dataset;
  splitFile: string;
  train: BatchImageSet;
  val: BatchImageSet;
  test: BatchImageSet;
  render: TensorOptions;
  lines: string[];
}

/** Each --data folder must exist and be a folder; returns them absolute. */
export function checkFolders(data: readonly string[]): string[] {
  return data.map((d) => {
    const abs = resolve(d);
    if (!existsSync(abs)) throw new DataError(`--data ${d}`, 'no such folder');
    if (!statSync(abs).isDirectory()) throw new DataError(`--data ${d}`, 'is a file, not a folder (give the folder that holds the records)');
    return abs;
  });
}

export async function prepareData(opts: {
  /** Record folders (several are scanned as one database); none: synthetic records. */
  data?: readonly string[]; out: string; level: DatasetLevel; seed: number; render: TensorOptions; progress: boolean; log: (s: string) => void;
  /** Phrase table for free-text diagnoses (default LUDB's). */
  phrases?: PhraseTable;
}): Promise<PreparedData> {
  const synthetic = !opts.data?.length;
  const roots = synthetic ? [syntheticRoot(opts.level, opts.seed, opts.progress, opts.log)] : checkFolders(opts.data!);
  const root = commonFolder(roots);
  const splitFile = join(opts.out, 'split.json');
  const cacheDir = join(cacheRoot(), 'render');
  // Records not in the render cache are rendered in worker threads (the same tensors as in this thread).
  const render = (items: Dataset['train']) => renderItemsParallel(items, { ...opts.render, cacheDir, progress: opts.progress });
  let dataset: Dataset;
  let batches: TensorBatch[];
  const lines: string[] = [];
  if (existsSync(splitFile)) {
    dataset = loadSplit(splitFile);
    const empty = (['train', 'val', 'test'] as const).filter((k) => dataset[k].length === 0);
    if (empty.length) throw new DataError(splitFile, `its ${empty.join(' and ')} part${empty.length > 1 ? 's are' : ' is'} empty (${dataset.train.length} train / ${dataset.val.length} val / ${dataset.test.length} test); delete it to split again`);
    lines.push(`using the existing split ${splitFile}: ${dataset.train.length} train / ${dataset.val.length} val / ${dataset.test.length} test`);
    batches = [await render(dataset.train), await render(dataset.val), await render(dataset.test)];
  } else {
    const scan = await scanRecords(roots, { progress: opts.progress, phrases: opts.phrases });
    const what = synthetic ? roots[0] : `--data ${opts.data!.join(',')}`;
    // Nothing is split, saved or trained from a folder without a labelled record: say what it holds.
    if (!scan.records.some((r) => r.classes.length > 0)) throw new DataError(what, noRecordsFound(scan));
    ({ dataset, batches } = await validatedDataset(scan, opts.level, opts.seed, render));
    const sizes = [dataset.train.length, dataset.val.length, dataset.test.length];
    if (sizes[0] + sizes[1] + sizes[2] === 0) throw new DataError(what, noRecordsFound({ ...scan, records: [] }, dataset.report.bad.slice(scan.bad.length)));
    if (sizes.includes(0)) {
      throw new DataError(what, `too few usable records to split: ${sizes[0] + sizes[1] + sizes[2]} give ${sizes.join(' / ')} train / val / test, and each part needs at least one (add records, or choose a larger --level)`);
    }
    saveSplit(splitFile, dataset, root);
    lines.push(`scanned ${scan.records.length + scan.bad.length} records ${roots.length > 1 ? `in ${roots.length} folders ` : ''}in ${(scan.elapsedMs / 1000).toFixed(1)} s (${scan.workersUsed} workers)`, ...dataset.report.lines, `split saved to ${splitFile}`);
  }
  const [train, val, test] = batches;
  // A saved split whose records have gone (moved, deleted, damaged since) must not train on nothing.
  for (const [name, b, items] of [['train', train, dataset.train], ['val', val, dataset.val], ['test', test, dataset.test]] as const) {
    if (b.items.length === 0) throw new DataError(splitFile, `none of the ${items.length} records of its ${name} part can be read (first: ${b.bad[0]?.reason ?? 'none listed'}); delete it to split again`);
  }
  for (const [name, b] of [['train', train], ['val', val], ['test', test]] as const) {
    lines.push(`${name}: ${b.items.length} images ${b.shape.slice(1).join('×')} (${b.cacheHits} from cache, ${b.rendered} rendered)`);
    for (const bad of b.bad) lines.push(`  skipped ${bad.path}: ${bad.reason}`);
  }
  for (const l of lines) opts.log(l);
  return { root, roots, synthetic, dataset, splitFile, train: new BatchImageSet(train), val: new BatchImageSet(val), test: new BatchImageSet(test), render: opts.render, lines };
}

/**
 * Selects and splits, then reads and renders every selected record; records that fail only now (the
 * scan reads headers alone) are moved to the unreadable list and the selection is made again, until
 * every record in the split renders. The printed and saved split is then exactly what trains, and
 * the renders of the rounds before are cache hits.
 */
async function validatedDataset(scan: ScanResult, level: DatasetLevel, seed: number, render: (items: Dataset['train']) => Promise<TensorBatch>): Promise<{ dataset: Dataset; batches: TensorBatch[] }> {
  let records = scan.records;
  const failed: BadRecord[] = [];
  for (;;) {
    const dataset = buildDataset({ ...scan, records, bad: [...scan.bad, ...failed] }, { level, seed });
    const batches = [await render(dataset.train), await render(dataset.val), await render(dataset.test)];
    const bad = batches.flatMap((b) => b.bad);
    if (!bad.length) return { dataset, batches };
    failed.push(...bad);
    const gone = new Set(bad.map((b) => b.path));
    records = records.filter((r) => !gone.has(r.path));
  }
}
