/** Reads record headers and labels without decoding signals (the per-file work of scanRecords). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { chapmanRecordLabels } from './diagnostics-sheet.js';
import type { PhraseTable } from './label-phrases.js';
import { scanHeaderText } from './scan-header.js';

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
  /** Diagnoses that no table knows: not SNOMED codes or abbreviations, free text no phrase covers, unknown Chapman codes. */
  unknownDx: string[];
  /** Newest modification time of the header and its signal files (cache key). */
  mtimeMs: number;
  /** PTB-XL's strat_fold (1-10), for records its ptbxl_database.csv names. */
  fold?: number;
}
export type ScanEntry = { ok: true; record: ScannedRecord } | { ok: false; path: string; reason: string };

/** One record's header and labels; free-text diagnoses go through `phrases` (default LUDB's table). */
export function scanFile(path: string, phrases?: PhraseTable): ScanEntry {
  try {
    const ext = extname(path).toLowerCase();
    if (ext === '.csv') {
      const st = statSync(path);
      const l = chapmanRecordLabels(path);
      return { ok: true, record: { path, name: basename(path, ext), fs: 500, nSamples: 0, nSignals: 12, dx: l.codes, classes: l.classes, unknownDx: l.unknown, mtimeMs: st.mtimeMs } };
    }
    const text = readFileSync(path, 'utf8');
    let mtimeMs = statSync(path).mtimeMs;
    const { header: h, classes, unknownDx } = scanHeaderText(text, path, (f) => {
      const p = join(dirname(path), f);
      if (!existsSync(p)) return { path: p, size: undefined };
      const st = statSync(p);
      mtimeMs = Math.max(mtimeMs, st.mtimeMs);
      return { path: p, size: st.size };
    }, phrases);
    return { ok: true, record: { path, name: h.name, fs: h.fs, nSamples: h.nSamples, nSignals: h.nSignals, dx: h.dx, classes, unknownDx, mtimeMs } };
  } catch (e) {
    return { ok: false, path, reason: e instanceof Error ? e.message : String(e) };
  }
}

export function scanFiles(paths: string[], phrases?: PhraseTable): ScanEntry[] {
  return paths.map((p) => scanFile(p, phrases));
}
