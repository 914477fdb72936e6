/**
 * Labelling scanned PTB-XL records from their `ptbxl_database.csv` (the Node side of ptbxl.ts): the
 * database is found in a scanned folder, in any folder below it, or up to two folders above it (so
 * `--data ptb-xl/records500` works as well as `--data ptb-xl`), parsed once in the main thread (a
 * malformed file fails the scan with its file and line, before any record is read), and each record
 * it names gets its SCP statements, classes and strat_fold.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { DataError } from './data-error.js';
import type { PhraseTable } from './label-phrases.js';
import { parsePtbxlDatabase, PTBXL_DATABASE, PTBXL_SCP_PHRASES, ptbxlClasses, type PtbxlRow } from './ptbxl.js';
import type { ScannedRecord } from './scan-files.js';

export interface PtbxlIndex {
  /** The databases read, absolute. */
  databases: string[];
  /** Absolute record path without extension → its row and the database it came from. */
  rows: Map<string, { row: PtbxlRow; database: string }>;
}

/** `ptbxl_database.csv` in the folder above `root` and the one above that (the ones inside are found by the scan's walk). */
export function databasesAbove(root: string): string[] {
  const up1 = dirname(resolve(root)), up2 = dirname(up1);
  return [up1, up2].filter((d, i, all) => all.indexOf(d) === i && d !== resolve(root)).map((d) => join(d, PTBXL_DATABASE)).filter((p) => existsSync(p));
}

export function readPtbxlIndex(databases: readonly string[]): PtbxlIndex {
  const rows: PtbxlIndex['rows'] = new Map();
  const unique = [...new Set(databases.map((d) => resolve(d)))].sort();
  for (const db of unique) {
    let text: string;
    try {
      text = readFileSync(db, 'utf8');
    } catch (e) {
      throw new DataError(db, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const base = dirname(db);
    for (const row of parsePtbxlDatabase(text, db)) {
      for (const f of [row.filenameHr, row.filenameLr]) if (f) rows.set(resolve(base, f), { row, database: db });
    }
  }
  return { databases: unique, rows };
}

const withoutExtension = (path: string) => path.replace(/\.(hea|dat)$/i, '');

/**
 * Gives every record `index` names its SCP statements (as `dx`), classes through `table` and fold.
 * Where a row's 500 Hz and 100 Hz records are both present (PTB-XL ships both), the 100 Hz copy is
 * left out: the same recording twice would weigh double, and could land in train and test at once.
 * Returns the records kept and the lines that say what was done (one per database).
 */
export function applyPtbxlLabels(records: ScannedRecord[], index: PtbxlIndex, table: PhraseTable = PTBXL_SCP_PHRASES): { records: ScannedRecord[]; notes: string[] } {
  if (!index.databases.length) return { records, notes: [] };
  const per = new Map(index.databases.map((d) => [d, { labelled: 0, lowRate: 0, unknown: new Map<string, number>() }]));
  const present = new Set(records.map((r) => resolve(withoutExtension(r.path))));
  const kept: ScannedRecord[] = [];
  for (const r of records) {
    const key = resolve(withoutExtension(r.path));
    const hit = index.rows.get(key);
    if (!hit) { kept.push(r); continue; }
    const s = per.get(hit.database)!;
    const base = dirname(hit.database);
    if (hit.row.filenameHr && key === resolve(base, hit.row.filenameLr) && present.has(resolve(base, hit.row.filenameHr))) { s.lowRate++; continue; }
    const l = ptbxlClasses(hit.row.codes, table);
    r.dx = [...hit.row.codes];
    r.classes = l.classes;
    r.unknownDx = l.unknown;
    r.fold = hit.row.fold;
    kept.push(r);
    s.labelled++;
    for (const u of l.unknown) s.unknown.set(u, (s.unknown.get(u) ?? 0) + 1);
  }
  const notes = index.databases.map((db) => {
    const s = per.get(db)!;
    const inside = kept.filter((r) => r.path.startsWith(dirname(db) + sep)).length;
    // The most frequent first, a dozen at most: enough to see that a table misses PTB-XL's codes.
    const sorted = [...s.unknown].sort((a, b) => b[1] - a[1]);
    const unknown = sorted.slice(0, 12).map(([c, n]) => `${c} (${n})`).join(', ') + (sorted.length > 12 ? `, … ${sorted.length - 12} more` : '');
    return `PTB-XL ${db}: ${s.labelled} records labelled by scp_codes` +
      (s.lowRate ? `; the 100 Hz copies (filename_lr) of ${s.lowRate} of them left out` : '') +
      (inside > s.labelled ? `; ${inside - s.labelled} records in its folder have no row there (labelled from their headers)` : '') +
      (unknown ? `; statements no rule of the label table covers: ${unknown}` : '');
  });
  return { records: kept, notes };
}
