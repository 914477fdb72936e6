/** Reads record headers and labels without decoding signals (the per-file work of scanRecords). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { interpretDx } from './labels.js';
import { headerProblem } from './quality.js';
import { EcgInputError } from './types.js';
import { parseHeader } from './wfdb-header.js';

export interface ScannedRecord {
  /** Header (.hea) or .csv path. */
  path: string;
  name: string;
  fs: number;
  nSamples: number;
  nSignals: number;
  dx: string[];
  /** Class ids (multi-label, may be empty). */
  classes: number[];
  /** Diagnoses that are neither SNOMED codes nor known abbreviations. */
  unknownDx: string[];
  /** Newest modification time of the header and its signal files (cache key). */
  mtimeMs: number;
}
export type ScanEntry = { ok: true; record: ScannedRecord } | { ok: false; path: string; reason: string };

export function scanFile(path: string): ScanEntry {
  try {
    const ext = extname(path).toLowerCase();
    if (ext === '.csv') {
      const st = statSync(path);
      return { ok: true, record: { path, name: basename(path, ext), fs: 500, nSamples: 0, nSignals: 12, dx: [], classes: [], unknownDx: [], mtimeMs: st.mtimeMs } };
    }
    const h = parseHeader(readFileSync(path, 'utf8'), path);
    let mtimeMs = statSync(path).mtimeMs;
    for (const f of new Set(h.signals.map((s) => s.fileName))) {
      const p = join(dirname(path), f);
      if (!existsSync(p)) throw new EcgInputError(p, `signal file not found (named in ${path})`);
      const st = statSync(p);
      if (st.size === 0) throw new EcgInputError(p, 'signal file is empty');
      mtimeMs = Math.max(mtimeMs, st.mtimeMs);
    }
    // What the header alone shows a 12-lead model cannot read (lead names, duration) never enters a dataset.
    const unreadable = headerProblem(h.signals.map((s) => s.description), h.fs, h.nSamples > 0 ? h.nSamples : Infinity, path);
    if (unreadable) throw new EcgInputError(path, unreadable);
    const dx = interpretDx(h.dx);
    return { ok: true, record: { path, name: h.name, fs: h.fs, nSamples: h.nSamples, nSignals: h.nSignals, dx: h.dx, classes: dx.classes, unknownDx: dx.unknown, mtimeMs } };
  } catch (e) {
    return { ok: false, path, reason: e instanceof Error ? e.message : String(e) };
  }
}

export function scanFiles(paths: string[]): ScanEntry[] {
  return paths.map(scanFile);
}
