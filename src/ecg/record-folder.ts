/**
 * A folder of labelled records as a browser gives it (an <input webkitdirectory> or a dropped folder:
 * files with paths relative to the folder picked), read without the file system: WFDB headers with
 * `#Dx:` codes or LUDB-style free-text diagnoses, and PTB-XL records labelled by the folder's
 * `ptbxl_database.csv`. The same checks, labels and one-line reasons as the Node scan (scan-header.ts,
 * ptbxl.ts): a record the scan refuses is refused here with the same words.
 */
import type { PhraseTable } from './label-phrases.js';
import { parsePtbxlDatabase, PTBXL_DATABASE, PTBXL_SCP_PHRASES, PTBXL_TABLES, ptbxlClasses, type PtbxlRow } from './ptbxl.js';
import { recordFromBytes } from './read-bytes.js';
import { scanHeaderText } from './scan-header.js';
import type { EcgRecord } from './types.js';

/** One file of the picked folder: its path inside the folder ('/'-separated), size, and a way to read it. */
export interface FolderFile {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

/** A browser File (webkitRelativePath set by a folder input; a dropped folder's entries give their own path). */
export function folderFileOf(file: File, path?: string): FolderFile {
  const p = path ?? ((file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name);
  return { path: p.replace(/\\/g, '/').replace(/^\/+/, ''), size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) };
}

export interface FolderRecord {
  /** The header's path in the folder. */
  path: string;
  name: string;
  /** The project's 10 classes (multi-label, sorted; empty: none of the 10). */
  classes: number[];
  /** Diagnoses as written (`#Dx:` codes, or PTB-XL's SCP statements). */
  dx: string[];
  unknownDx: string[];
  /** PTB-XL's strat_fold, for records its database names. */
  fold?: number;
  /** The header, then the signal files it names. */
  files: FolderFile[];
}

export interface FolderScan {
  /** Files in the folder (hidden folders left out). */
  files: number;
  /** Records whose header was read (labelled or not). */
  records: FolderRecord[];
  /** Records that cannot be used, with the scan's one-line reason. */
  bad: { path: string; reason: string }[];
  /** How labels were found beyond the headers (one line per PTB-XL database). */
  notes: string[];
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const joinPath = (dir: string, name: string) => {
  const parts = (dir ? `${dir}/${name}` : name).split('/');
  const out: string[] = [];
  for (const s of parts) if (s === '..') out.pop(); else if (s !== '.' && s !== '') out.push(s);
  return out.join('/');
};
const ext = (p: string) => (/\.[^./]+$/.exec(p)?.[0] ?? '').toLowerCase();
const text = async (f: FolderFile) => new TextDecoder().decode(await f.read());

/**
 * Reads every header of the folder and labels it: `#Dx:` codes or free text through `phrases` (LUDB's
 * table by default), or, for records a `ptbxl_database.csv` of the folder names, its SCP statements
 * (where both PTB-XL rates are present, the 100 Hz copy is left out, as the Node scan does). Chapman
 * .csv records keep their labels in a separate spreadsheet, which is not read here: they are listed as bad.
 */
export async function scanFolder(files: readonly FolderFile[], phrases?: PhraseTable): Promise<FolderScan> {
  const visible = files.filter((f) => !f.path.split('/').slice(0, -1).some((d) => d.startsWith('.')));
  const byPath = new Map(visible.map((f) => [f.path, f]));
  const bad: FolderScan['bad'] = [];
  const records: FolderRecord[] = [];
  for (const f of [...visible].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const e = ext(f.path), name = f.path.split('/').pop()!;
    if (e === '.csv' && !PTBXL_TABLES.includes(name) && !byPath.has(f.path.slice(0, -4) + '.hea')) {
      bad.push({ path: f.path, reason: `${f.path}: a Chapman .csv record keeps its labels in a separate Diagnostics sheet, which this page does not read` });
    }
    if (e !== '.hea') continue;
    try {
      const dir = dirOf(f.path);
      const signals: FolderFile[] = [];
      const h = scanHeaderText(await text(f), f.path, (fileName) => {
        const p = joinPath(dir, fileName), s = byPath.get(p);
        if (s && !signals.includes(s)) signals.push(s);
        return { path: p, size: s?.size };
      }, phrases);
      records.push({ path: f.path, name: h.header.name, classes: h.classes, dx: h.header.dx, unknownDx: h.unknownDx, files: [f, ...signals] });
    } catch (err) {
      bad.push({ path: f.path, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  const databases = visible.filter((f) => f.path.split('/').pop() === PTBXL_DATABASE);
  const notes: string[] = [];
  let kept = records;
  for (const db of databases) {
    const rows = new Map<string, PtbxlRow>();
    for (const row of parsePtbxlDatabase(await text(db), db.path)) for (const fn of [row.filenameHr, row.filenameLr]) if (fn) rows.set(joinPath(dirOf(db.path), fn), row);
    const present = new Set(kept.map((r) => r.path.replace(/\.hea$/i, '')));
    let labelled = 0, lowRate = 0;
    const unknown = new Map<string, number>();
    kept = kept.filter((r) => {
      const key = r.path.replace(/\.hea$/i, ''), row = rows.get(key);
      if (!row) return true;
      const base = dirOf(db.path);
      if (row.filenameHr && key === joinPath(base, row.filenameLr) && present.has(joinPath(base, row.filenameHr))) { lowRate++; return false; }
      const l = ptbxlClasses(row.codes, phrases ?? PTBXL_SCP_PHRASES);
      Object.assign(r, { dx: [...row.codes], classes: l.classes, unknownDx: l.unknown, fold: row.fold });
      labelled++;
      for (const u of l.unknown) unknown.set(u, (unknown.get(u) ?? 0) + 1);
      return true;
    });
    const sorted = [...unknown].sort((a, b) => b[1] - a[1]);
    notes.push(`PTB-XL ${db.path}: ${labelled} records labelled by scp_codes` + (lowRate ? `; the 100 Hz copies (filename_lr) of ${lowRate} of them left out` : '') +
      (sorted.length ? `; statements no rule of the label table covers: ${sorted.slice(0, 12).map(([c, n]) => `${c} (${n})`).join(', ')}` : ''));
  }
  return { files: visible.length, records: kept, bad, notes };
}

/** The record's signals, decoded from its files (physical units: millivolts). */
export async function readFolderRecord(r: FolderRecord): Promise<EcgRecord> {
  const named = await Promise.all(r.files.map(async (f) => ({ name: f.path.split('/').pop()!, bytes: await f.read() })));
  return recordFromBytes(named, { digital: false });
}
