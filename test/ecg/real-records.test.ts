/**
 * Every record of ../shared/data/real-ecg (PhysioNet/CinC 2020-2021 and one Chapman CSV) must read,
 * agree with MANIFEST.tsv, and get the manifest's class ids from its diagnoses. The folder's content
 * changes (its Georgia records were taken out), so the tests follow MANIFEST.tsv and the counts its
 * README states, not a fixed list.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecord } from '../../src/ecg/read-record.js';
import { listRecordFiles } from '../../src/ecg/scan.js';
import { classesOf, classesOfStrict } from '../../src/ecg/labels.js';
import { STANDARD_LEADS } from '../../src/ecg/types.js';
import { tempDir } from './wfdb-fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = resolve(repoRoot, '../shared/data/real-ecg');

interface ManifestRow {
  record: string;
  file: string;
  format: string;
  fs: number;
  nSamples: number;
  nLeads: number;
  dx: string[];
  classIds: number[];
}

function manifest(): ManifestRow[] {
  const [head, ...rows] = readFileSync(resolve(dir, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const col = head.split('\t');
  const at = (cells: string[], name: string) => cells[col.indexOf(name)];
  return rows.map((line) => {
    const c = line.split('\t');
    const list = (s: string) => s.split(',').filter(Boolean);
    return {
      record: at(c, 'record'), file: at(c, 'file'), format: at(c, 'format'), fs: Number(at(c, 'fs')),
      nSamples: Number(at(c, 'n_samples')), nLeads: Number(at(c, 'n_leads')),
      dx: list(at(c, 'dx_codes')), classIds: list(at(c, 'class_ids')).map(Number),
    };
  });
}

/** A figure the folder's README states, by the pattern around it. */
function readmeFigure(re: RegExp): string {
  const m = readFileSync(resolve(dir, 'README.md'), 'utf8').replace(/\s+/g, ' ').match(re);
  if (!m) throw new Error(`README.md of ${dir} no longer states ${re}`);
  return m[1];
}

describe.skipIf(!existsSync(dir))('real ECG records', () => {
  it('the folder holds exactly the records MANIFEST.tsv lists, as many as its README says', () => {
    const rows = manifest();
    expect(rows).toHaveLength(Number(readmeFigure(/^# Real 12-lead ECG records (\d+) records/)));
    expect(listRecordFiles(dir)).toEqual(rows.map((r) => resolve(dir, r.file)).sort());
  });

  it('reads every manifest record, consistent with the manifest', () => {
    const rows = manifest();
    const problems: string[] = [];
    let csv = 0;
    for (const row of rows) {
      const rec = readRecord(resolve(dir, row.file), { twelveLead: true });
      expect(rec.leads).toEqual([...STANDARD_LEADS]);
      const n = rec.signals[0].length;
      if (row.file.endsWith('.csv')) {
        csv++;
        // The file has 5000 data rows and no header row (README: 5000 rows × 12 leads); the manifest's
        // 4999 counts the first row as a header, as pandas' read_csv would.
        expect(n).toBe(5000);
        expect(row.nSamples).toBe(4999);
      } else if (n !== row.nSamples) problems.push(`${row.record}: ${n} samples, manifest ${row.nSamples}`);
      if (rec.fs !== row.fs) problems.push(`${row.record}: fs ${rec.fs}, manifest ${row.fs}`);
      if (rec.signals.length !== row.nLeads) problems.push(`${row.record}: ${rec.signals.length} leads`);
      if (rec.header.warnings) problems.push(`${row.record}: warnings ${rec.header.warnings.join('; ')}`);
      for (const s of rec.signals) {
        if (s.length !== n || s.some((v) => !Number.isFinite(v))) problems.push(`${row.record}: bad samples`);
      }
    }
    expect(csv).toBe(1);
    expect(problems).toEqual([]);
  });

  it("classesOf(#Dx) equals the manifest's class_ids for every record", () => {
    const mismatches: string[] = [];
    let abbreviated = 0;
    for (const row of manifest()) {
      // The CSV carries no labels; they come from the Chapman Diagnostics sheet, as in the manifest.
      const dx = row.file.endsWith('.csv') ? row.dx : readRecord(resolve(dir, row.file), { digital: false }).header.dx;
      if (dx.some((d) => !/^\d+$/.test(d))) abbreviated++;
      const got = classesOfStrict(dx, row.file);
      if (got.join(',') !== row.classIds.join(',')) mismatches.push(`${row.record}: ${dx.join(',')} -> ${got} (manifest ${row.classIds})`);
      // The manifest's SNOMED codes give the same classes as the header's (possibly abbreviated) entries.
      expect(classesOf(row.dx)).toEqual(got);
    }
    expect(abbreviated).toBe(Number(readmeFigure(/(\d+) headers write the diagnosis as an abbreviation/)));
    expect(mismatches).toEqual([]);
  });

  it('per-class counts match the README', () => {
    const counts = new Array(10).fill(0);
    for (const row of manifest()) for (const c of row.classIds) counts[c]++;
    const stated = readmeFigure(/Counts here \(a record can count twice\): ([\d: ]+)\./).trim().split(' ').map((p) => p.split(':').map(Number));
    expect(stated.map(([c]) => c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(counts).toEqual(stated.map(([, n]) => n));
  });

  it('recovers a Chapman header whose record line and first signal line are merged (as JS01052, JS23074)', () => {
    const hea = readFileSync(resolve(dir, 'JS00001.hea'), 'utf8');
    const lines = hea.split('\n');
    const tmp = tempDir();
    writeFileSync(resolve(tmp, 'JS00001.hea'), [`${lines[0]} ${lines[1]}`, ...lines.slice(2)].join('\n'));
    copyFileSync(resolve(dir, 'JS00001.mat'), resolve(tmp, 'JS00001.mat'));
    const merged = readRecord(resolve(tmp, 'JS00001'));
    const original = readRecord(resolve(dir, 'JS00001'));
    expect(merged.header.warnings).toEqual(['line 1: record line and first signal line were merged on one line; read them as two']);
    expect(merged.leads).toEqual(original.leads);
    expect(merged.header.signals).toEqual(original.header.signals);
    expect(merged.digital).toEqual(original.digital);
  });
});
