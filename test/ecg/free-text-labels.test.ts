/**
 * Labels in the forms real data uses besides `#Dx:` codes: LUDB's free-text header comments through a
 * phrase table (every record of ../shared/data/ludb gets its manifest's classes), and Chapman CSV
 * records labelled by the Diagnostics sheet (.csv export or .xlsx).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnosisStatements, interpretStatements, LUDB_PHRASES, matchPhrase, parsePhraseTable } from '../../src/ecg/label-phrases.js';
import { chapmanLabels, csvRows, parseDiagnosticsCsv } from '../../src/ecg/chapman-diagnostics.js';
import { headerLabels } from '../../src/ecg/labels.js';
import { readXlsxRows } from '../../src/ecg/xlsx.js';
import { listRecordFiles, scanRecords } from '../../src/ecg/scan.js';
import { parseHeader } from '../../src/ecg/wfdb-header.js';
import { DataError } from '../../src/ecg/data-error.js';
import { inflateRawSync } from 'node:zlib';
import { tempDir, writeFiles } from './wfdb-fixtures.js';
import { xlsx } from './zip-fixture.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const ludb = resolve(repoRoot, '../shared/data/ludb');
const realEcg = resolve(repoRoot, '../shared/data/real-ecg');
const inflate = (d: Uint8Array) => new Uint8Array(inflateRawSync(d));

describe('free-text diagnoses (phrase table)', () => {
  it('keeps metadata out of the statements and matches exact phrases before wildcards', () => {
    const comments = ['<age>: 51', '<sex>: F', '<diagnoses>:', 'Rhythm: Sinus bradycardia.', 'STEMI:  anterior wall. ', 'Age: 40', 'Rhythm: Atrial fibrillation.'];
    expect(diagnosisStatements(comments)).toEqual(['Rhythm: Sinus bradycardia.', 'STEMI:  anterior wall.', 'Rhythm: Atrial fibrillation.']);
    expect(interpretStatements(diagnosisStatements(comments))).toEqual({ classes: [2, 7], unknown: [] });
    expect(matchPhrase('RHYTHM: SINUS RHYTHM')?.classes).toEqual([0]);
    expect(matchPhrase('Rhythm: Sinus arrhythmia.')?.classes).toEqual([]);
    expect(matchPhrase('Incomplete right bundle branch block.')?.classes).toEqual([]);
    expect(matchPhrase('Complete right bundle branch block.')?.classes).toEqual([4]);
    expect(interpretStatements(['Brugada pattern.']).unknown).toEqual(['Brugada pattern.']);
  });

  it('headerLabels prefers #Dx codes and falls back to the free text', () => {
    expect(headerLabels({ dx: ['59118001'], comments: ['Left ventricular hypertrophy.'] }).classes).toEqual([4]);
    expect(headerLabels({ dx: [], comments: ['Left ventricular hypertrophy.'] }).classes).toEqual([5]);
  });

  it('reads a user phrase table from TSV and names the file and line of a bad rule', () => {
    const t = parsePhraseTable('# mine\nsinus rhythm\t0\nbrugada*\t-\nacute inferior mi\t7,8\n', 'p.tsv');
    expect(interpretStatements(['Sinus rhythm.', 'Brugada type 1', 'Acute inferior MI'], t)).toEqual({ classes: [0, 7, 8], unknown: [] });
    expect(() => parsePhraseTable('x\t12\n', 'p.tsv')).toThrow(/p\.tsv: line 1: '12' is not a list of class ids 0-9/);
    expect(() => parsePhraseTable('\n# none\n', 'p.tsv')).toThrow(DataError);
  });
});

describe.skipIf(!existsSync(ludb))('LUDB (../shared/data/ludb)', () => {
  const rows = () => {
    const [head, ...lines] = readFileSync(join(ludb, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
    const col = head.split('\t');
    return lines.map((l) => l.split('\t')).map((c) => ({ file: c[col.indexOf('file')], classIds: c[col.indexOf('class_ids')].split(',').filter(Boolean).map(Number) }));
  };

  it("every record's free-text diagnoses give the manifest's class_ids, and every statement is known", () => {
    const all = rows();
    expect(all).toHaveLength(141);
    const mismatches: string[] = [], unknown = new Set<string>();
    for (const r of all) {
      const l = headerLabels(parseHeader(readFileSync(join(ludb, r.file), 'utf8'), r.file));
      if (l.classes.join(',') !== r.classIds.join(',')) mismatches.push(`${r.file}: ${l.classes} (manifest ${r.classIds})`);
      l.unknown.forEach((u) => unknown.add(u));
    }
    expect(mismatches).toEqual([]);
    expect([...unknown]).toEqual([]);
  });

  it('the scan labels LUDB records with the same classes', async () => {
    const scan = await scanRecords(ludb, { progress: false, workers: 2, minParallel: 1 });
    expect(scan.bad).toEqual([]);
    const byFile = new Map(rows().map((r) => [r.file, r.classIds]));
    for (const r of scan.records) expect(r.classes).toEqual(byFile.get(r.path.split('/').pop()!));
    expect(scan.noClass).toBe(6);
  });

  it('a replaced phrase table changes what the scan sees (it reaches the workers)', async () => {
    const phrases = [...LUDB_PHRASES, { pattern: 'incomplete right bundle branch block', classes: [4] }];
    const scan = await scanRecords(ludb, { progress: false, workers: 2, minParallel: 1, phrases });
    expect(scan.records.filter((r) => r.classes.includes(4))).toHaveLength(3 + 21);
  });
});

describe('Chapman Diagnostics sheet', () => {
  const sheetRows = [['FileName', 'Rhythm', 'Beat', 'PatientAge'], ['MUSE_20180111_155115_19000', 'ST', 'RBBB TWC', 60], ['MUSE_2', 'SR', 'NONE', ''], ['MUSE_3', 'AF', 'STDD VPB', 70]];
  const csvText = sheetRows.map((r) => r.join(',')).join('\r\n');

  it('maps rhythm and beat codes (Chapman AF is flutter: no class) and reports codes it does not know', () => {
    const sheet = parseDiagnosticsCsv('\uFEFF' + csvText, 'Diagnostics.csv');
    expect(sheet.get('MUSE_2')).toEqual(['SR']);
    expect(chapmanLabels(sheet.get('MUSE_20180111_155115_19000')!)).toEqual({ classes: [1, 4], unknown: [] });
    expect(chapmanLabels(sheet.get('MUSE_3')!)).toEqual({ classes: [8, 9], unknown: [] });
    expect(chapmanLabels(['SR', 'XYZ'])).toEqual({ classes: [0], unknown: ['XYZ'] });
    expect(csvRows('a,"b, ""c""",d\n\n1,2,3')).toEqual([['a', 'b, "c"', 'd'], ['1', '2', '3']]);
    expect(() => parseDiagnosticsCsv('Name,Rhythm\nx,SR', 'D.csv')).toThrow("D.csv: no 'FileName' column in the Diagnostics sheet (columns: name, rhythm)");
  });

  it('reads the .xlsx sheet (zip + SpreadsheetML) to the same rows as the .csv export', () => {
    const rows = readXlsxRows(xlsx(sheetRows), inflate, 'D.xlsx');
    // A row ends at its last written cell, as in the sheet XML (an empty trailing cell is not written).
    expect(rows).toEqual(sheetRows.map((r) => r.map(String)).map((r) => (r.at(-1) === '' ? r.slice(0, -1) : r)));
    const damaged = xlsx(sheetRows);
    damaged[60] ^= 0xff; // inside the first entry's compressed data
    expect(() => readXlsxRows(damaged, inflate, 'D.xlsx')).toThrow(/D\.xlsx: /);
    expect(() => readXlsxRows(new TextEncoder().encode(csvText), inflate, 'D.xlsx')).toThrow('D.xlsx: not an .xlsx file (no zip directory found)');
  });

  it.skipIf(!existsSync(realEcg))('a scan labels the real Chapman CSV from a Diagnostics.csv or .xlsx beside its folder', async () => {
    for (const sheet of ['Diagnostics.csv', 'Diagnostics.xlsx']) {
      const root = tempDir();
      const data = join(root, 'ECGData');
      writeFiles(root, { [sheet]: sheet.endsWith('.csv') ? csvText : xlsx(sheetRows) });
      mkdirSync(data);
      copyFileSync(join(realEcg, 'MUSE_20180111_155115_19000.csv'), join(data, 'MUSE_20180111_155115_19000.csv'));
      expect(listRecordFiles(root)).toEqual([join(data, 'MUSE_20180111_155115_19000.csv')]);
      const scan = await scanRecords(root, { progress: false, workers: 0 });
      expect(scan.records.map((r) => [r.dx, r.classes])).toEqual([[['ST', 'RBBB', 'TWC'], [1, 4]]]);
    }
  });
});
