/**
 * The real records in a data folder laid out as ../shared/data (`real-ecg/`, `ludb/`, `ptb-xl/`), each
 * with the source database group it comes from, so that training and evaluation can hold one source
 * out (a model that learns which hospital a record comes from is found out only on a hospital it has
 * not seen). Groups are by database, not by folder: the Challenge folder real-ecg mixes five databases,
 * and PTB-XL appears both in its own layout and in real-ecg as `HR*`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from './data-error.js';
import { classesOf } from './labels.js';
import { scanRecordsSync } from './scan.js';

export const SOURCE_GROUPS = ['CPSC', 'PTB', 'Chapman-Ningbo', 'LUDB'] as const;
export type SourceGroup = (typeof SOURCE_GROUPS)[number];

/** One line on each group: which databases, where they are, and how they were recorded. */
export const SOURCE_DESCRIPTIONS: Readonly<Record<SourceGroup, string>> = {
  'CPSC': 'China Physiological Signal Challenge 2018 and CPSC-Extra (real-ecg A*, Q*): 11 Chinese hospitals, 500 Hz, 6-60 s',
  'PTB': 'PTB and PTB-XL, Physikalisch-Technische Bundesanstalt, Berlin (real-ecg S* at 1000 Hz, HR* and the ptb-xl folder at 500 Hz, 10 s)',
  'Chapman-Ningbo': 'Chapman University / Shaoxing and Ningbo hospitals (real-ecg JS* and the MUSE_*.csv export): 500 Hz, 10 s',
  'LUDB': 'Lobachevsky University Database, Nizhny Novgorod (the ludb folder): 500 Hz, 10 s, free-text diagnoses',
};

export interface RealRecord {
  /** The record's header (.hea) or, for a Chapman CSV, the .csv. */
  path: string;
  name: string;
  source: SourceGroup;
  /** The project's 10 classes (multi-label, sorted; empty: none of the 10). */
  classes: number[];
  /** PTB-XL's strat_fold, for records of the ptb-xl folder. */
  fold?: number;
}

/** A real-ecg record's group by its name (the Challenge's prefixes); undefined for a prefix not listed. */
export function challengeSource(name: string): SourceGroup | undefined {
  if (/^[AQ]\d/.test(name)) return 'CPSC';
  if (/^(S|HR)\d/.test(name)) return 'PTB';
  if (/^JS\d/.test(name) || /^MUSE_/.test(name)) return 'Chapman-Ningbo';
  return undefined;
}

/** `record` → `dx_codes` of a real-ecg MANIFEST.tsv (empty when it has none). */
function manifestDx(folder: string): Map<string, string[]> {
  const file = join(folder, 'MANIFEST.tsv');
  if (!existsSync(file)) return new Map();
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const col = head.split('\t');
  const [rec, dx] = [col.indexOf('record'), col.indexOf('dx_codes')];
  if (rec < 0 || dx < 0) throw new DataError(file, "no 'record' or 'dx_codes' column");
  return new Map(rows.map((l) => l.split('\t')).map((c) => [c[rec], (c[dx] ?? '').split(',').filter(Boolean)]));
}

/**
 * Every real record of `dataDir` (labelled or not), with its group and classes as the project's
 * readers give them: `#Dx:` codes, LUDB's free text, PTB-XL's ptbxl_database.csv. A Chapman CSV keeps
 * its labels in a Diagnostics sheet that real-ecg does not carry; its classes come from the codes the
 * folder's MANIFEST.tsv copied from that sheet. A folder that is absent adds nothing.
 */
export function listRealRecords(dataDir = '../shared/data'): RealRecord[] {
  const out: RealRecord[] = [];
  const challenge = join(dataDir, 'real-ecg');
  if (existsSync(challenge)) {
    const dx = manifestDx(challenge);
    for (const r of scanRecordsSync(challenge).records) {
      const source = challengeSource(r.name);
      if (!source) throw new DataError(r.path, `no source group for the record name '${r.name}' (known prefixes: A, Q, S, HR, JS, MUSE_)`);
      const outside = r.path.toLowerCase().endsWith('.csv') && r.dx.length === 0;
      out.push({ path: r.path, name: r.name, source, classes: outside ? classesOf(dx.get(basename(r.path, '.csv')) ?? []) : r.classes });
    }
  }
  for (const [folder, source] of [['ludb', 'LUDB'], ['ptb-xl', 'PTB']] as const) {
    const dir = join(dataDir, folder);
    if (!existsSync(dir)) continue;
    for (const r of scanRecordsSync(dir).records) out.push({ path: r.path, name: r.name, source, classes: r.classes, ...(r.fold !== undefined ? { fold: r.fold } : {}) });
  }
  return out;
}
