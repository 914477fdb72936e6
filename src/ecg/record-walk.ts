/**
 * The records under a folder, found lazily for batch scoring: a generator that holds one folder's
 * listing at a time (never the whole tree), so memory stays flat however many records an archive has.
 * Nested layouts (PTB-XL's records500/00000/…, PhysioNet's WFDBRecords/NN/NNN/…) are walked recursively.
 *
 * What counts as a record:
 *  - every `.hea` header (its signal files are found by the reader);
 *  - a `.csv` without a header of the same name whose first line has 12 columns (a Chapman record);
 *    other CSV files (ptbxl_database.csv, scp_statements.csv, Diagnostics.csv, a results table) are
 *    tables, not records, and are passed over;
 *  - a `.dat`/`.mat` that no header of its folder names: a signal file without its header, yielded so
 *    that the caller reports it (the reader refuses it) instead of it vanishing silently.
 * Hidden files and folders (names starting with '.') are skipped.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isDiagnosticsSheet } from './diagnostics-sheet.js';
import { parseHeader } from './wfdb-header.js';

const SIGNAL_EXTENSIONS = new Set(['.dat', '.mat']);

/** The first line of a file (at most its first 4 KB), without reading the rest. */
export function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split(/\r?\n|\r/)[0];
  } finally {
    closeSync(fd);
  }
}

/** Whether a CSV looks like a Chapman record: 12 columns (lead names or µV values) on its first line. */
function looksLikeChapmanRecord(path: string): boolean {
  try {
    return firstLine(path).split(',').length === 12;
  } catch {
    return true; // unreadable: let the reader name the problem in a row
  }
}

/** Signal file names the headers of a folder refer to (only read when a signal file lacks a same-name header). */
function signalFilesNamed(dir: string, headers: string[]): Set<string> {
  const named = new Set<string>();
  for (const h of headers) {
    try {
      for (const s of parseHeader(readFileSync(join(dir, h), 'utf8'), h).signals) named.add(s.fileName);
    } catch {
      // A bad header is reported as its own row; it names no files here.
    }
  }
  return named;
}

/** One folder's records and subfolders, each sorted by name. */
export function recordsInFolder(dir: string): { records: string[]; folders: string[] } {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(entries.map((e) => e.name));
  const stem = (name: string) => name.slice(0, -extname(name).length);
  const hasHeader = (name: string) => names.has(`${stem(name)}.hea`);
  const folders: string[] = [], records: string[] = [], loose: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { folders.push(p); continue; }
    const ext = extname(e.name).toLowerCase();
    if (ext === '.hea') records.push(e.name);
    else if (ext === '.csv' && !hasHeader(e.name) && !isDiagnosticsSheet(p) && looksLikeChapmanRecord(p)) records.push(e.name);
    else if (SIGNAL_EXTENSIONS.has(ext) && !hasHeader(e.name)) loose.push(e.name);
  }
  if (loose.length) {
    const named = signalFilesNamed(dir, records.filter((r) => r.toLowerCase().endsWith('.hea')));
    for (const f of loose) if (!named.has(f)) records.push(f);
    records.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return { records: records.map((r) => join(dir, r)), folders };
}

/** Every record under `root`, depth first: a folder's own records, then its subfolders in name order. */
export function* walkRecords(root: string): Generator<string> {
  const { records, folders } = recordsInFolder(root);
  yield* records;
  for (const f of folders) yield* walkRecords(f);
}
