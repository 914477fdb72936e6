/**
 * Datasets: a balanced (or complete) selection of scanned records at one of the paper's levels, a
 * seeded stratified 70/15/15 split saved as JSON, a synthetic database on disk, and rendered image
 * tensors with an on-disk cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { primaryClass, DEFAULT_PRIORITY } from './labels.js';
import { PTBXL_TEST_FOLD, PTBXL_VAL_FOLD } from './ptbxl.js';
import { readRecord } from './read-record.js';
import { readableTwelveLead } from './quality.js';
import { renderDefaults, renderToTensorData, tensorChannels, type RenderOptions } from './render.js';
import { Rng } from './rng.js';
import type { BadRecord, ScanResult } from './scan.js';
import { generateRecord } from './synthetic.js';
import { CLASS_NAMES, EcgInputError, NUM_CLASSES } from './types.js';
import { DataError } from './data-error.js';
import { writeRecord } from './wfdb-writer.js';
import { Progress } from './progress.js';

/** `paper204` (≈20/class, 204 in all), `paper440` (44/class), `all`, or N per class. */
export type DatasetLevel = 'paper204' | 'paper440' | 'all' | number;

export interface DatasetOptions {
  level?: DatasetLevel;
  seed?: number;
  /** Label priority for records with several classes (default labels.DEFAULT_PRIORITY). */
  priority?: readonly number[];
  /** Train/val/test fractions (default 0.7/0.15/0.15). */
  fractions?: [number, number, number];
  /**
   * Split PTB-XL records by their strat_fold (1-8 train, 9 validation, 10 test) when the scan has
   * records of folds 9 and 10 (default true); other records are split by `fractions`.
   */
  folds?: boolean;
}

/**
 * One record of a split: `label` is its single class for single-label training (the first of its
 * classes in the priority order), `classes` all of its classes (multi-label truth, sorted).
 */
export interface DatasetItem { path: string; label: number; classes: number[] }

export interface DatasetReport {
  level: DatasetLevel;
  seed: number;
  /** Records per primary class found by the scan. */
  available: number[];
  /** Records per class taken. */
  taken: number[];
  /** Classes that had fewer records than asked (took all they had). */
  short: { cls: number; name: string; wanted: number; had: number }[];
  /** Records skipped because they could not be read, with the reason. */
  bad: BadRecord[];
  /** Records carrying none of the 10 classes (not used), and a few of their paths. */
  noClass: number;
  noClassExamples: string[];
  /** Human-readable summary lines. */
  lines: string[];
}

export interface Dataset { train: DatasetItem[]; val: DatasetItem[]; test: DatasetItem[]; report: DatasetReport }

/** Records per class for a level (`all` → Infinity). */
export function perClassTarget(level: DatasetLevel, cls: number): number {
  if (level === 'all') return Infinity;
  if (level === 'paper440') return 44;
  if (level === 'paper204') return 20 + (cls < 4 ? 1 : 0); // 4×21 + 6×20 = 204
  if (!(Number.isInteger(level) && level > 0)) throw new Error(`dataset level must be paper204, paper440, all or a positive integer, got ${level}`);
  return level;
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/**
 * Per-class counts summing to round(fraction · total): each class gets floor(fraction · size), and the
 * remaining units go to the classes with the largest fractional parts; ties go to classes in order
 * starting at `firstTie` (so validation and test extras can land on different classes).
 */
export function apportion(sizes: readonly number[], fraction: number, firstTie = 0): number[] {
  const k = sizes.length;
  const exact = sizes.map((n) => n * fraction);
  const out = exact.map((x) => Math.floor(x + 1e-9));
  const total = Math.round(sizes.reduce((a, b) => a + b, 0) * fraction);
  const rank = (i: number) => (i - firstTie + k) % k;
  const order = exact.map((x, i) => [Math.round((x - out[i]) * 1e6), i] as const).sort((a, b) => b[0] - a[0] || rank(a[1]) - rank(b[1]));
  for (let k = 0, left = total - out.reduce((a, b) => a + b, 0); left > 0 && k < order.length; k++) {
    const i = order[k][1];
    if (out[i] < sizes[i]) { out[i]++; left--; }
  }
  return out;
}

/** Selects records at `level` and splits them per class (stratified) with `seed`. */
export function buildDataset(scan: ScanResult, opts: DatasetOptions = {}): Dataset {
  const level = opts.level ?? 'paper440', seed = opts.seed ?? 1;
  const [fTrain, fVal] = opts.fractions ?? [0.7, 0.15, 0.15];
  const priority = opts.priority ?? DEFAULT_PRIORITY;
  const byClass: DatasetItem[][] = Array.from({ length: NUM_CLASSES }, () => []);
  const noClass: string[] = [];
  const foldOf = new Map<string, number>();
  for (const r of scan.records) {
    const label = primaryClass(r.classes, priority);
    if (label === undefined) { noClass.push(r.path); continue; }
    byClass[label].push({ path: r.path, label, classes: [...r.classes] });
    if (r.fold !== undefined) foldOf.set(r.path, r.fold);
  }
  const folds = foldSplit(foldOf, opts.folds ?? true);
  const rng = new Rng(seed);
  const out: Dataset = { train: [], val: [], test: [], report: undefined as unknown as DatasetReport };
  const taken: number[] = [], short: DatasetReport['short'] = [];
  let picks = byClass.map((items, cls) => {
    items.sort((a, b) => (a.path < b.path ? -1 : 1)); // independent of scan order
    const want = perClassTarget(level, cls);
    const pick = shuffle(items.slice(), rng).slice(0, want);
    if (want !== Infinity && items.length < want) short.push({ cls, name: CLASS_NAMES[cls], wanted: want, had: items.length });
    taken.push(pick.length);
    return pick;
  });
  // Records with a PTB-XL fold go where their fold says; the rest are split by the fractions.
  if (folds.use) {
    for (const it of picks.flat()) {
      const f = foldOf.get(it.path);
      if (f !== undefined) (f === PTBXL_TEST_FOLD ? out.test : f === PTBXL_VAL_FOLD ? out.val : out.train).push(it);
    }
    picks = picks.map((pick) => pick.filter((it) => !foldOf.has(it.path)));
  }
  // Split sizes per class by largest remainder, so the totals are the requested fractions of the whole
  // set (440 → 308/66/66, as a global stratified split gives), not a sum of per-class roundings.
  const sizes = picks.map((p) => p.length);
  const nVal = apportion(sizes, fVal);
  const extraVal = nVal.reduce((a, b) => a + b, 0) - sizes.reduce((a, n) => a + Math.floor(n * fVal + 1e-9), 0);
  const nTest = apportion(sizes, 1 - fTrain - fVal, extraVal);
  picks.forEach((pick, cls) => {
    const nTrain = pick.length - nVal[cls] - nTest[cls];
    out.train.push(...pick.slice(0, nTrain));
    out.val.push(...pick.slice(nTrain, nTrain + nVal[cls]));
    out.test.push(...pick.slice(nTrain + nVal[cls]));
  });
  const lines = [
    `dataset ${level} (seed ${seed}): ${out.train.length} train / ${out.val.length} val / ${out.test.length} test`,
    ...CLASS_NAMES.map((n, c) => `  ${c} ${n}: ${taken[c]} of ${byClass[c].length}`),
    ...short.map((s) => `  note: class ${s.cls} (${s.name}) has only ${s.had} records, fewer than ${s.wanted}: took all of them`),
    ...(scan.notes ?? []).map((n) => `  ${n}`),
    ...(folds.line ? [`  ${folds.line}`] : []),
    `  ${noClass.length} records carry none of the 10 classes (not used)`,
    `  ${scan.bad.length} records skipped as unreadable${scan.bad.length ? ':' : ''}`,
    ...scan.bad.slice(0, 20).map((b) => `    ${b.reason}`),
    ...(scan.bad.length > 20 ? [`    … and ${scan.bad.length - 20} more (all listed under report.bad in the split file)`] : []),
  ];
  out.report = {
    level, seed, available: byClass.map((x) => x.length), taken, short, bad: scan.bad,
    noClass: noClass.length, noClassExamples: noClass.slice(0, 10), lines,
  };
  return out;
}

/**
 * Whether PTB-XL's folds decide the split: only when records of both the validation fold (9) and the
 * test fold (10) are present (a folder of folds 1-8 only has nothing to validate or test on by fold),
 * and a line saying which way it went.
 */
function foldSplit(foldOf: ReadonlyMap<string, number>, wanted: boolean): { use: boolean; line?: string } {
  if (!foldOf.size || !wanted) return { use: false };
  const present = [...new Set(foldOf.values())].sort((a, b) => a - b);
  if (present.includes(PTBXL_VAL_FOLD) && present.includes(PTBXL_TEST_FOLD)) {
    return { use: true, line: `PTB-XL: ${foldOf.size} records split by strat_fold (train 1-8, validation ${PTBXL_VAL_FOLD}, test ${PTBXL_TEST_FOLD}), as PTB-XL recommends` };
  }
  return { use: false, line: `PTB-XL: the records are of strat_fold ${ranges(present)} only; without records of folds ${PTBXL_VAL_FOLD} and ${PTBXL_TEST_FOLD} they are split at random like the others (patients may cross train/val/test)` };
}

/** Sorted integers as ranges: [1, 2, 3, 5, 7, 8] → "1-3, 5, 7-8". */
function ranges(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

interface SplitFile { version: 1; root: string; level: DatasetLevel; seed: number; classes: readonly string[]; train: [string, number, number[]][]; val: [string, number, number[]][]; test: [string, number, number[]][]; report: Omit<DatasetReport, 'lines'> }

/** Saves the split (paths relative to `root`) so a later run uses exactly the same records. */
export function saveSplit(file: string, ds: Dataset, root: string): void {
  const enc = (xs: DatasetItem[]) => xs.map((x): [string, number, number[]] => [relative(resolve(root), resolve(x.path)), x.label, x.classes]);
  const { lines: _lines, ...report } = ds.report;
  const body: SplitFile = { version: 1, root: resolve(root), level: ds.report.level, seed: ds.report.seed, classes: CLASS_NAMES, train: enc(ds.train), val: enc(ds.val), test: enc(ds.test), report };
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(body, null, 1));
}

/** Loads a split file; paths are resolved against `root` (default: the root it was saved with). */
export function loadSplit(file: string, root?: string): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(file, code === 'ENOENT' ? 'split file not found' : code === 'EISDIR' ? 'is a directory, not a split file' : `cannot read (${code ?? e})`);
  }
  let s: SplitFile;
  try {
    s = JSON.parse(text) as SplitFile;
  } catch (e) {
    throw new DataError(file, `not a split file: not valid JSON (${(e as Error).message.replace(/\s+/g, " ")}); give the split.json that ecgpu prepare/train wrote`);
  }
  if (!s || typeof s !== 'object' || s.version !== 1) throw new DataError(file, `not a split file of this ecgpu (version ${s?.version ?? 'missing'}, expected 1)`);
  const item = (x: unknown) => Array.isArray(x) && typeof x[0] === 'string' && Number.isInteger(x[1]) && x[1] >= 0 && x[1] < NUM_CLASSES && Array.isArray(x[2]);
  for (const part of ['train', 'val', 'test'] as const) {
    if (!Array.isArray(s[part]) || !s[part].every(item)) throw new DataError(file, `its '${part}' list is missing or malformed`);
  }
  if (typeof s.root !== 'string') throw new DataError(file, "no 'root' folder");
  const base = root ?? s.root;
  const dec = (xs: [string, number, number[]][]) => xs.map(([p, label, classes]) => ({ path: isAbsolute(p) ? p : join(base, p), label, classes }));
  return { train: dec(s.train), val: dec(s.val), test: dec(s.test), report: { ...s.report, lines: [] } };
}

/** The record name prepareSynthetic gives record `i` of class `cls`. */
export const syntheticRecordName = (cls: number, i: number) => `SYN${cls}_${String(i).padStart(5, '0')}`;

/** Writes `perClass` synthetic records of each class into `dir` as WFDB (.hea + .mat). */
export function prepareSynthetic(dir: string, perClass: number, seed: number, opts: { progress?: boolean } = {}): string[] {
  const paths: string[] = [];
  const bar = new Progress('synthetic', perClass * NUM_CLASSES, opts.progress ?? false);
  for (let i = 0; i < perClass; i++) {
    for (let cls = 0; cls < NUM_CLASSES; cls++) {
      const name = syntheticRecordName(cls, i);
      const rec = generateRecord(cls, (Math.imul(seed, 1000003) + i) >>> 0, { name });
      paths.push(writeRecord(dir, rec, name));
      bar.update(paths.length);
    }
  }
  bar.done();
  return paths;
}

/** 2: records are rendered as their 12 standard leads in I…V6 order (ecg/quality.ts), whatever the file's order. */
export const RENDER_CACHE_VERSION = 2;
export type TensorOptions = RenderOptions & { channels?: number };

/**
 * What today's renderer draws for a fixed probe record (one with premature beats, so the rhythm plane
 * is exercised too) under `opts`, as a hash. It keys the render cache, so tensors drawn by another
 * version of the renderer are never served: the options alone could not tell. (That happened: a cache
 * filled while the rhythm plane was being developed kept serving its thin-line planes to later runs,
 * which then trained on one drawing and were validated on another.)
 */
export function rendererFingerprint(opts: TensorOptions): string {
  const o = renderDefaults(opts);
  const probe = readableTwelveLead(generateRecord(9, 20240601, { name: 'render-probe' }), o).record;
  const t = renderToTensorData(probe, { ...opts, channels: tensorChannels(opts) });
  return createHash('sha256').update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)).digest('hex').slice(0, 16);
}

/** On-disk cache of rendered tensors, keyed by record path + mtime + size + render options + the renderer's fingerprint. */
export class RenderCache {
  hits = 0;
  misses = 0;
  private readonly fingerprints = new Map<string, string>();
  constructor(readonly dir: string, private readonly fingerprint: (opts: TensorOptions) => string = rendererFingerprint) {}

  key(path: string, opts: TensorOptions): string {
    const abs = resolve(path);
    // The header and the signal file beside it (same name, .mat or .dat) both key the entry.
    const stamps = [abs, abs.replace(/\.hea$/i, '.mat'), abs.replace(/\.hea$/i, '.dat')]
      .filter((p, i) => i === 0 || (p !== abs && existsSync(p)))
      .map((p) => { const st = statSync(p); return [st.mtimeMs, st.size]; });
    const o = JSON.stringify({ ...renderDefaults(opts), channels: tensorChannels(opts) });
    let fp = this.fingerprints.get(o);
    if (fp === undefined) this.fingerprints.set(o, (fp = this.fingerprint(opts)));
    return createHash('sha256').update(JSON.stringify([RENDER_CACHE_VERSION, abs, stamps, o, fp])).digest('hex').slice(0, 32);
  }

  private file(key: string): string { return join(this.dir, key.slice(0, 2), `${key}.f32`); }

  get(key: string, length: number): Float32Array | undefined {
    const f = this.file(key);
    if (!existsSync(f)) return undefined;
    const b = readFileSync(f);
    if (b.byteLength !== 4 * length) return undefined;
    const out = new Float32Array(length);
    new Uint8Array(out.buffer).set(b);
    return out;
  }

  put(key: string, data: Float32Array): void {
    const f = this.file(key);
    mkdirSync(dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    renameSync(tmp, f);
  }
}

export interface TensorBatch {
  /** N × C × H × W float32 in [0, 1]. */
  data: Float32Array;
  labels: Int32Array;
  /** Items actually included (bad ones removed), in order. */
  items: DatasetItem[];
  bad: BadRecord[];
  shape: [number, number, number, number];
  cacheHits: number;
  rendered: number;
}

/** One record read and rendered to its tensor (C × H × W); throws what the reader and renderer throw. */
export function renderRecordTensor(path: string, opts: TensorOptions): Float32Array {
  return renderToTensorData(readableTwelveLead(readRecord(path, { digital: false }), renderDefaults(opts)).record, { ...opts, channels: tensorChannels(opts) });
}

/**
 * Why a record that failed to render is skipped: records the reader rejects, and those a 12-lead model
 * cannot read (ecg/quality.ts: too few leads, too short, flat or saturated; all EcgInputErrors), and
 * missing files. Undefined for any other error, which must propagate.
 */
export function renderSkipReason(e: unknown, path: string): string | undefined {
  if (e instanceof EcgInputError) return e.message;
  if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return `${path}: file not found`;
  return undefined;
}

/** A rendered tensor, or why the record is skipped. */
export type RenderOutcome = Float32Array | { bad: string };

/** Render options with the batch's cache folder and progress bar. */
export type RenderItemsOptions = TensorOptions & { cacheDir?: string; progress?: boolean };

/**
 * The part of a render that is the same however the records not in the cache are rendered: the cache
 * look-ups, then `renderMisses` (given the indices of the misses in `items`; it reports each outcome
 * through `done`, in any order), then the cache writes and the batch in the order of `items`.
 */
export function renderBatch(items: DatasetItem[], opts: RenderItemsOptions, renderMisses: (misses: number[], done: (i: number, r: RenderOutcome) => void) => void): TensorBatch;
export function renderBatch(items: DatasetItem[], opts: RenderItemsOptions, renderMisses: (misses: number[], done: (i: number, r: RenderOutcome) => void) => Promise<void>): Promise<TensorBatch>;
export function renderBatch(items: DatasetItem[], opts: RenderItemsOptions, renderMisses: (misses: number[], done: (i: number, r: RenderOutcome) => void) => void | Promise<void>): TensorBatch | Promise<TensorBatch> {
  const o = renderDefaults(opts), c = tensorChannels(opts), per = c * o.width * o.height;
  const cache = opts.cacheDir ? new RenderCache(opts.cacheDir) : undefined;
  const outcomes: RenderOutcome[] = new Array(items.length);
  const keys: (string | undefined)[] = new Array(items.length);
  const misses: number[] = [];
  let hits = 0, finished = 0;
  const bar = new Progress('render', items.length, opts.progress ?? false);
  items.forEach((it, i) => {
    let key: string | undefined;
    try {
      key = cache?.key(it.path, opts);
    } catch (e) {
      const why = renderSkipReason(e, it.path);
      if (why === undefined) throw e;
      outcomes[i] = { bad: why };
      finished++;
      return;
    }
    keys[i] = key;
    const t = key ? cache!.get(key, per) : undefined;
    if (t) { outcomes[i] = t; hits++; finished++; } else misses.push(i);
  });
  bar.update(finished);
  const done = (i: number, r: RenderOutcome) => {
    outcomes[i] = r;
    if (r instanceof Float32Array && keys[i]) cache!.put(keys[i]!, r);
    bar.update(++finished);
  };
  const assemble = (): TensorBatch => {
    bar.done();
    const kept: DatasetItem[] = [], bad: BadRecord[] = [], parts: Float32Array[] = [];
    items.forEach((it, i) => {
      const r = outcomes[i];
      if (r instanceof Float32Array) { parts.push(r); kept.push(it); } else bad.push({ path: it.path, reason: r.bad });
    });
    const data = new Float32Array(parts.length * per);
    parts.forEach((p, i) => data.set(p, i * per));
    const rendered = misses.filter((i) => outcomes[i] instanceof Float32Array).length;
    return { data, labels: Int32Array.from(kept.map((k) => k.label)), items: kept, bad, shape: [kept.length, c, o.height, o.width], cacheHits: hits, rendered };
  };
  const pending = renderMisses(misses, done);
  return pending instanceof Promise ? pending.then(assemble) : assemble();
}

/** Renders one record for a batch: its tensor, or why it is skipped (other errors propagate). */
export function renderOutcome(path: string, opts: TensorOptions): RenderOutcome {
  try {
    return renderRecordTensor(path, opts);
  } catch (e) {
    const why = renderSkipReason(e, path);
    if (why === undefined) throw e;
    return { bad: why };
  }
}

/**
 * Reads and renders `items` to one tensor (through `cacheDir` when given), in this thread. Records the
 * reader rejects, and those a 12-lead model cannot read (renderSkipReason), are skipped and listed in
 * `bad`; other errors propagate. ecg/render-parallel.ts renders the same batch in worker threads.
 */
export function renderItems(items: DatasetItem[], opts: RenderItemsOptions = {}): TensorBatch {
  return renderBatch(items, opts, (misses, done) => {
    for (const i of misses) done(i, renderOutcome(items[i].path, opts));
  });
}
