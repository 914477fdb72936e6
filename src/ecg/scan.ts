/**
 * Scans a directory tree for records (PhysioNet layout `WFDBRecords/NN/NNN/JSxxxxx.hea|.mat`, flat
 * folders, Chapman `.csv`, PTB-XL `records500/NNNNN/NNNNN_hr.hea|.dat`) and reads headers + labels in
 * parallel worker_threads (one per core). PTB-XL records take their labels and fold from the
 * `ptbxl_database.csv` beside them (ptbxl-database.ts), applied in this thread after the workers.
 */
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { isDiagnosticsSheet } from './diagnostics-sheet.js';
import type { PhraseTable } from './label-phrases.js';
import { Progress } from './progress.js';
import { applyPtbxlLabels, databasesAbove, readPtbxlIndex } from './ptbxl-database.js';
import { PTBXL_DATABASE, PTBXL_SCP_PHRASES, PTBXL_TABLES } from './ptbxl.js';
import { scanFiles, type ScanEntry, type ScannedRecord } from './scan-files.js';
import { runOnWorkers } from './start-worker.js';

export type { ScannedRecord } from './scan-files.js';

export interface ScanOptions {
  /** Worker threads (default: number of cores). 0 or 1: scan in this thread. */
  workers?: number;
  /** Below this many files the scan runs in-process (starting workers costs more). Default 256. */
  minParallel?: number;
  /** Progress bar on stderr (default true). */
  progress?: boolean;
  /** Files per message to a worker (default 64). */
  batch?: number;
  /**
   * Label table (`--labels`): free-text diagnoses (LUDB) and PTB-XL's SCP statements both go through
   * it. Default: LUDB_PHRASES for free text, PTBXL_SCP_PHRASES for SCP statements.
   */
  phrases?: PhraseTable;
}

export interface BadRecord { path: string; reason: string }

export interface ScanResult {
  /** The folder every scanned folder lies in (the one itself when a single folder was scanned). */
  root: string;
  /** The folders scanned, absolute. */
  roots: string[];
  records: ScannedRecord[];
  /** Records whose header or signal files could not be used, with the reason. */
  bad: BadRecord[];
  /** Records that carry none of the 10 classes (kept in `records`; counted here). */
  noClass: number;
  workersUsed: number;
  elapsedMs: number;
  /** Lines that say how labels were found beyond the headers (one per PTB-XL database read). */
  notes?: string[];
}

/** All record files under `root`, sorted: `.hea`, and `.csv` without a header of the same name. */
export function listRecordFiles(root: string): string[] {
  return walkRecordFolder(root).records;
}

/** The record files under `root`, and the PTB-XL databases found on the way. */
function walkRecordFolder(root: string): { records: string[]; ptbxlDatabases: string[] } {
  const out: string[] = [], ptbxlDatabases: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (!e.name.startsWith('.')) walk(p); continue; }
      const ext = extname(e.name).toLowerCase();
      if (e.name === PTBXL_DATABASE) ptbxlDatabases.push(p);
      if (ext === '.hea') out.push(p);
      else if (ext === '.csv' && !names.has(e.name.slice(0, -4) + '.hea') && !isDiagnosticsSheet(p) && !PTBXL_TABLES.includes(e.name)) out.push(p);
    }
  };
  walk(resolve(root));
  return { records: out.sort(), ptbxlDatabases };
}

async function scanParallel(paths: string[], nWorkers: number, batch: number, phrases: PhraseTable | undefined, onDone: (n: number) => void): Promise<ScanEntry[]> {
  const results: ScanEntry[][] = [];
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += batch) batches.push(paths.slice(i, i + batch));
  await runOnWorkers<{ id: number; entries: ScanEntry[] }>(import.meta.url, 'scan-worker', batches.length, nWorkers,
    (id) => ({ id, paths: batches[id], phrases }),
    (m) => { results[m.id] = m.entries; onDone(m.entries.length); });
  return results.flat();
}

/** The deepest folder that holds every one of `dirs` (absolute paths). */
export function commonFolder(dirs: readonly string[]): string {
  const split = dirs.map((d) => resolve(d).split(sep));
  let n = 0;
  while (split.every((p) => n < p.length && p[n] === split[0][n])) n++;
  return split[0].slice(0, n).join(sep) || sep;
}

/** The record files of the folders, and the PTB-XL databases that label them (read and checked here). */
function plan(root: string | readonly string[]) {
  const roots = (typeof root === 'string' ? [root] : [...root]).map((r) => resolve(r));
  const walks = roots.map(walkRecordFolder);
  const paths = [...new Set(walks.flatMap((w) => w.records))].sort();
  const ptbxl = readPtbxlIndex([...walks.flatMap((w) => w.ptbxlDatabases), ...roots.flatMap(databasesAbove)]);
  return { roots, paths, ptbxl };
}

function result(p: ReturnType<typeof plan>, entries: ScanEntry[], phrases: PhraseTable | undefined, workersUsed: number, t0: number): ScanResult {
  const records: ScannedRecord[] = [], bad: BadRecord[] = [];
  for (const e of entries) if (e.ok) records.push(e.record); else bad.push({ path: e.path, reason: e.reason });
  const { records: kept, notes } = applyPtbxlLabels(records, p.ptbxl, phrases ?? PTBXL_SCP_PHRASES);
  return {
    root: commonFolder(p.roots), roots: p.roots, records: kept, bad, noClass: kept.filter((r) => r.classes.length === 0).length,
    workersUsed, elapsedMs: Date.now() - t0, ...(notes.length ? { notes } : {}),
  };
}

/** Scans `root` (or several folders: the Challenge records and LUDB together) and reads every record's header and labels. */
export async function scanRecords(root: string | readonly string[], opts: ScanOptions = {}): Promise<ScanResult> {
  const t0 = Date.now();
  const p = plan(root);
  const { paths } = p;
  const nWorkers = Math.max(0, opts.workers ?? cpus().length);
  const bar = new Progress('scan', paths.length, opts.progress ?? true);
  let done = 0;
  const tick = (n: number) => { done += n; bar.update(done); };
  let entries: ScanEntry[];
  let workersUsed = 0;
  if (nWorkers <= 1 || paths.length < (opts.minParallel ?? 256)) {
    entries = [];
    const b = opts.batch ?? 64;
    for (let i = 0; i < paths.length; i += b) { const e = scanFiles(paths.slice(i, i + b), opts.phrases); entries.push(...e); tick(e.length); }
  } else {
    workersUsed = nWorkers;
    try {
      entries = await scanParallel(paths, nWorkers, opts.batch ?? 64, opts.phrases, tick);
    } catch (e) {
      // Workers unavailable (e.g. a bundled browser build of this module): fall back to one thread.
      process.stderr.write(`scan: worker threads failed (${(e as Error).message}); scanning in-process\n`);
      workersUsed = 0; done = 0;
      entries = scanFiles(paths, opts.phrases);
    }
  }
  bar.done();
  return result(p, entries, opts.phrases, workersUsed, t0);
}

/** scanRecords in this thread, synchronously, without a progress bar (for a few hundred records). */
export function scanRecordsSync(root: string | readonly string[], opts: Pick<ScanOptions, 'phrases'> = {}): ScanResult {
  const t0 = Date.now();
  const p = plan(root);
  return result(p, scanFiles(p.paths, opts.phrases), opts.phrases, 0, t0);
}

/** Files of the scanned folders by extension, and signal files with no header beside them. */
function folderContents(roots: readonly string[]): { files: number; byExt: Map<string, number>; orphans: Map<string, number> } {
  const byExt = new Map<string, number>(), orphans = new Map<string, number>();
  let files = 0;
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name.toLowerCase()));
    for (const e of entries) {
      if (e.isDirectory()) { if (!e.name.startsWith('.')) walk(join(dir, e.name)); continue; }
      if (e.name.startsWith('.')) continue;
      files++;
      const ext = extname(e.name).toLowerCase() || '(no extension)';
      byExt.set(ext, (byExt.get(ext) ?? 0) + 1);
      if ((ext === '.dat' || ext === '.mat') && !names.has(`${e.name.slice(0, -4)}.hea`.toLowerCase())) orphans.set(ext, (orphans.get(ext) ?? 0) + 1);
    }
  };
  for (const r of roots) walk(r);
  return { files, byExt, orphans };
}

/**
 * Why a scan gave no record carrying one of the 10 classes, in a few words for the one line that refuses
 * the folder: what was there instead (no files, signal files without headers, other files, unreadable
 * headers, records without a known diagnosis).
 */
export function noRecordsFound(scan: ScanResult, unreadableLater: readonly BadRecord[] = []): string {
  const bad = [...scan.bad, ...unreadableLater];
  const labelled = scan.records.filter((r) => r.classes.length > 0).length;
  if (labelled > 0 && bad.length) return `no usable records: ${bad.length} record(s) unreadable (first: ${bad[0].reason})`;
  if (scan.records.length > 0) {
    return `no usable records: ${scan.records.length} record(s), none labelled with one of the 10 classes (no known diagnosis in its header)` +
      (bad.length ? `; ${bad.length} more unreadable (first: ${bad[0].reason})` : '');
  }
  if (bad.length) return `no usable records: ${bad.length} record(s), all unreadable (first: ${bad[0].reason})`;
  return noRecordFiles(scan.roots);
}

/** Whether the folders hold a file a scan reads as a record (a .hea, or a .csv): stops at the first one. */
export function hasRecordFile(roots: readonly string[]): boolean {
  const walk = (dir: string): boolean => readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? !e.name.startsWith('.') && walk(join(dir, e.name)) : /\.(hea|csv)$/i.test(e.name));
  return roots.some((r) => walk(resolve(r)));
}

/** What folders without a record file hold instead, e.g. `no records: 1 .dat without header`. */
export function noRecordFiles(roots: readonly string[]): string {
  const { files, byExt, orphans } = folderContents(roots);
  if (files === 0) return 'no records: the folder holds no files';
  const orphanText = [...orphans].map(([ext, n]) => `${n} ${ext} without header`);
  const others = [...byExt].map(([ext, n]) => [ext, n - (orphans.get(ext) ?? 0)] as const).filter(([, n]) => n > 0).map(([ext, n]) => `${n} ${ext}`);
  return `no records: ${[...orphanText, ...(others.length ? [`${others.join(', ')} file(s), none a record (.hea + signal file, or a Chapman .csv)`] : [])].join('; ')}`;
}
