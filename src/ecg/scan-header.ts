/**
 * One WFDB header's scan entry from its text: parsed, its signal files checked (present, not empty), what
 * the header alone shows a 12-lead model cannot read refused, its labels read. Pure (no fs), so the
 * Node scan (scan-files.ts, paths) and the browser's folder reader (record-folder.ts, File objects) give
 * the same records, labels and one-line reasons.
 */
import type { PhraseTable } from './label-phrases.js';
import { headerLabels } from './labels.js';
import { headerProblem } from './quality.js';
import { EcgInputError, type RecordHeader } from './types.js';
import { parseHeader } from './wfdb-header.js';

/** What the header's checks need to know of a signal file it names: its size, or undefined when absent. */
export interface SignalFileInfo { path: string; size: number | undefined }

export interface HeaderScan {
  header: RecordHeader;
  classes: number[];
  /** Diagnoses no table knows. */
  unknownDx: string[];
}

/**
 * Checks and labels a header; throws EcgInputError (the one line a scan reports) when the record cannot
 * be used. `signalFile(name)` locates a signal file the header names (relative to the header's folder).
 */
export function scanHeaderText(text: string, path: string, signalFile: (fileName: string) => SignalFileInfo, phrases?: PhraseTable): HeaderScan {
  const h = parseHeader(text, path);
  for (const f of new Set(h.signals.map((s) => s.fileName))) {
    const s = signalFile(f);
    if (s.size === undefined) throw new EcgInputError(s.path, `signal file not found (named in ${path})`);
    if (s.size === 0) throw new EcgInputError(s.path, 'signal file is empty');
  }
  // What the header alone shows a 12-lead model cannot read (lead names, duration) never enters a dataset.
  const unreadable = headerProblem(h.signals.map((s) => s.description), h.fs, h.nSamples > 0 ? h.nSamples : Infinity, path);
  if (unreadable) throw new EcgInputError(path, unreadable);
  const labels = headerLabels(h, phrases);
  return { header: h, classes: labels.classes, unknownDx: labels.unknown };
}
