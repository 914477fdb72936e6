/**
 * PTB-XL as a user has it: labels from ptbxl_database.csv (scp_codes, a Python dict literal, through a
 * replaceable table), the split from strat_fold when folds 9 and 10 are there, and a malformed row
 * named by file and line. The real folder ../shared/data/ptb-xl (folds 1-8 only) must give every
 * record its MANIFEST class_ids; a small generated PTB-XL-shaped folder has all ten folds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { parseCsv } from '../../src/ecg/csv-rows.js';
import { DataError } from '../../src/ecg/data-error.js';
import { buildDataset } from '../../src/ecg/dataset.js';
import { parsePhraseTable } from '../../src/ecg/label-phrases.js';
import { parsePtbxlDatabase, parseScpCodes, ptbxlClasses } from '../../src/ecg/ptbxl.js';
import { listRecordFiles, scanRecords, scanRecordsSync } from '../../src/ecg/scan.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS } from '../../src/ecg/types.js';
import { encodeDatRecord, writeRecord } from '../../src/ecg/wfdb-writer.js';
import { tempDir, writeFiles } from './wfdb-fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const ptbxl = resolve(repoRoot, '../shared/data/ptb-xl');

const HEAD = 'ecg_id,patient_id,age,report,scp_codes,strat_fold,filename_lr,filename_hr';

describe('ptbxl_database.csv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, keeping each row\'s line', () => {
    const p = parseCsv('a,"b, ""c""",d\r\n\n"x\ny",2,3\n4,,');
    expect(p.rows.map((r) => [r.line, r.cells])).toEqual([[1, ['a', 'b, "c"', 'd']], [2, ['']], [3, ['x\ny', '2', '3']], [5, ['4', '', '']]]);
    expect(p.unclosedQuoteLine).toBeUndefined();
    expect(parseCsv('a\n"b,c\n').unclosedQuoteLine).toBe(2);
  });

  it('parses scp_codes dict literals; a likelihood of 0 still names the statement', () => {
    expect(parseScpCodes("{'NORM': 100.0, 'SR': 0.0}")).toEqual({ codes: ['NORM', 'SR'], likelihood: { NORM: 100, SR: 0 } });
    expect(parseScpCodes('{"LVH": 50, \'STD_\': 0.0, }')?.codes).toEqual(['LVH', 'STD_']);
    expect(parseScpCodes('{}')?.codes).toEqual([]);
    for (const bad of ["{'NORM': 100.0", "{'NORM' 100.0}", 'NORM', "{'NORM': high}", "{'NORM': 1 'SR': 0}", "{NORM: 1}", "{'': 1}"]) {
      expect(parseScpCodes(bad), bad).toBeUndefined();
    }
    expect(ptbxlClasses(['NORM', 'SR'])).toEqual({ classes: [0], unknown: [] });
    expect(ptbxlClasses(['NORM', 'SARRH', 'IRBBB', 'VCLVH'])).toEqual({ classes: [], unknown: [] });
    expect(ptbxlClasses(['CRBBB', 'PVC', 'SBRAD', 'XYZ'])).toEqual({ classes: [2, 4, 9], unknown: ['XYZ'] });
  });

  it('names the file and line (and ecg_id) of a malformed row', () => {
    const csv = (row: string) => `${HEAD}\n1,9.0,50,"normal, sinus","{'NORM': 100.0, 'SR': 0.0}",3,records100/00000/00001_lr,records500/00000/00001_hr\n${row}\n`;
    const cases: [string, RegExp][] = [
      ['2,9.0,50,x,"{\'NORM\': 100.0",3,a,b', /^db\.csv: line 3 \(ecg_id 2\): scp_codes "\{'NORM': 100\.0" is not a dict of SCP code/],
      ["2,9.0,50,x,{'NORM': 100.0, 'SR': 0.0},3,a,b", /^db\.csv: line 3 \(ecg_id 2\): 9 fields, the header has 8 \(a field with a comma must be in double quotes\)$/],
      ['2,9.0,50,x,"{}",11,a,b', /^db\.csv: line 3 \(ecg_id 2\): strat_fold '11' is not a fold number 1-10$/],
      ['2,9.0,50,x,"{}",3,,', /^db\.csv: line 3 \(ecg_id 2\): neither filename_hr nor filename_lr/],
      ['2,9.0,50,"unclosed,"{}",3,a,b', /^db\.csv: line 3: a quoted field is never closed$/],
    ];
    for (const [row, re] of cases) {
      let err: unknown;
      try { parsePtbxlDatabase(csv(row), 'db.csv'); } catch (e) { err = e; }
      expect(err, row).toBeInstanceOf(DataError);
      expect((err as Error).message, row).toMatch(re);
    }
    expect(() => parsePtbxlDatabase('ecg_id,scp_codes\n1,{}\n', 'db.csv')).toThrow(/^db\.csv: line 1: no 'strat_fold' column/);
    expect(parsePtbxlDatabase(csv(''), 'db.csv').map((r) => [r.ecgId, r.codes, r.fold, r.filenameHr, r.line])).toEqual([['1', ['NORM', 'SR'], 3, 'records500/00000/00001_hr', 2]]);
  });
});

/** A PTB-XL-shaped folder: WFDB format-16 records with upper-case lead names, and the database CSV. */
function ptbxlFolder(rows: { id: number; scp: string; fold: number }[], opts: { extraRow?: string; lowRate?: number[] } = {}): string {
  const root = tempDir('ecgpu-ptbxl-');
  const records = rows.map((r) => ({ ...r, hz: 500 })).concat(rows.filter((r) => opts.lowRate?.includes(r.id)).map((r) => ({ ...r, hz: 100 })));
  for (const r of records) {
    const name = `${String(r.id).padStart(5, '0')}_${r.hz === 500 ? 'hr' : 'lr'}`;
    const dir = join(root, `records${r.hz}`, '00000');
    mkdirSync(dir, { recursive: true });
    const rec = generateRecord(r.id % 10, r.id, { seconds: 3, fs: r.hz });
    writeFiles(dir, encodeDatRecord({
      name, fs: rec.fs,
      signals: rec.signals.map((s, l) => ({
        fileName: `${name}.dat`, format: 16, gain: 1000, baseline: 0, adcResolution: 16, description: STANDARD_LEADS[l].toUpperCase(),
        samples: Int16Array.from(s, (v) => Math.round(v * 1000)),
      })),
    }));
  }
  const lines = rows.map((r) => `${r.id},${1000 + r.id}.0,60,"report, with a comma","${r.scp}",${r.fold},records100/00000/${String(r.id).padStart(5, '0')}_lr,records500/00000/${String(r.id).padStart(5, '0')}_hr`);
  writeFiles(root, { 'ptbxl_database.csv': [HEAD, ...lines, ...(opts.extraRow ? [opts.extraRow] : [])].join('\n') + '\n', 'scp_statements.csv': ',description\nSR,sinus rhythm\n' });
  return root;
}

describe('a generated PTB-XL folder', () => {
  // Folds 1-10, then 9 and 10 again; classes from the scp_codes, likelihood 0 included (every 4th record: none of the 10).
  const scp = ["{'NORM': 100.0, 'SR': 0.0}", "{'CRBBB': 100.0, 'SR': 0.0}", "{'LVH': 50.0, 'STD_': 0.0, 'SBRAD': 0.0}", "{'IMI': 80.0, 'AFIB': 0.0}"];
  const rows = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, scp: scp[i % 4], fold: i < 10 ? i + 1 : i - 1 }));
  let root: string;
  beforeAll(() => { root = ptbxlFolder(rows, { lowRate: [5] }); });

  it('labels every record from the database; the metadata tables are not records, 100 Hz copies are left out', () => {
    expect(listRecordFiles(root)).toHaveLength(13);
    const scan = scanRecordsSync(root);
    expect(scan.records).toHaveLength(12);
    expect(scan.records.every((r) => r.fs === 500)).toBe(true);
    expect(scan.bad).toEqual([]);
    const expected = [[0], [0, 4], [2, 5, 8], []];
    for (const r of scan.records) {
      const id = Number(r.name.slice(0, 5));
      expect(r.classes, r.name).toEqual(expected[(id - 1) % 4]);
      expect(r.fold).toBe(rows[id - 1].fold);
    }
    expect(scan.noClass).toBe(3);
    expect(scan.notes).toEqual([`PTB-XL ${join(root, 'ptbxl_database.csv')}: 12 records labelled by scp_codes; the 100 Hz copies (filename_lr) of 1 of them left out`]);
  });

  it('splits by strat_fold: 1-8 train, 9 validation, 10 test; other records by the fractions', () => {
    const other = join(root, '..', `${root.split('/').pop()}-challenge`);
    for (let i = 0; i < 20; i++) writeRecord(other, generateRecord(0, 100 + i, { seconds: 3 }), `C${i}`);
    const scan = scanRecordsSync([root, other]);
    const ds = buildDataset(scan, { level: 'all', seed: 3 });
    const fold = new Map(scan.records.map((r) => [r.path, r.fold]));
    expect(ds.train.filter((x) => fold.get(x.path) !== undefined).map((x) => fold.get(x.path)).sort()).toEqual([1, 2, 3, 5, 6, 7]); // fold 4, 8: IMI+AFIB, none of the 10
    expect(ds.val.filter((x) => fold.get(x.path) !== undefined).map((x) => fold.get(x.path))).toEqual([9, 9]);
    expect(ds.test.filter((x) => fold.get(x.path) !== undefined).map((x) => fold.get(x.path))).toEqual([10]); // the other: none of the 10
    // The 20 Challenge records: 70/15/15.
    expect([ds.train, ds.val, ds.test].map((p) => p.filter((x) => fold.get(x.path) === undefined).length)).toEqual([14, 3, 3]);
    expect(ds.report.lines.join('\n')).toMatch(/PTB-XL: 9 records split by strat_fold \(train 1-8, validation 9, test 10\)/);
    // Multi-label truth rides along with the single label.
    expect(ds.train.find((x) => x.classes.length === 3)).toMatchObject({ label: 8, classes: [2, 5, 8] });
    // Without folds 9 and 10 (or with folds off) the split is the usual one, and a line says why.
    const early = scanRecordsSync(ptbxlFolder(rows.filter((r) => r.fold <= 8)));
    const fallback = buildDataset(early, { level: 'all', seed: 3 });
    expect(fallback.report.lines.join('\n')).toMatch(/PTB-XL: the records are of strat_fold 1-3, 5-7 only; without records of folds 9 and 10 they are split at random/);
    expect(fallback.train.length + fallback.val.length + fallback.test.length).toBe(6);
    expect(buildDataset(scan, { level: 'all', fractions: [0, 0, 1], folds: false }).test).toHaveLength(9 + 20);
  });

  it('--labels replaces the SCP table, and it reaches the scan (workers) from a records500 subfolder', async () => {
    const table = parsePhraseTable('NORM\t0\nCRBBB\t4\nIMI\t7\n', 'scp.tsv');
    const scan = await scanRecords(join(root, 'records500'), { progress: false, workers: 2, minParallel: 1, phrases: table });
    expect(scan.workersUsed).toBe(2);
    const byId = new Map(scan.records.map((r) => [Number(r.name.slice(0, 5)), r]));
    expect([1, 2, 3, 4].map((id) => byId.get(id)!.classes)).toEqual([[0], [4], [], [7]]);
    expect(byId.get(3)!.unknownDx).toEqual(['LVH', 'STD_', 'SBRAD']);
    expect(scan.notes![0]).toMatch(/statements no rule of the label table covers: SR \(6\), LVH \(3\), STD_ \(3\), SBRAD \(3\), AFIB \(3\)$/);
  });

  it('a malformed scp_codes row fails the scan with the file and line: DataError, ecgpu exit 7', async () => {
    const bad = ptbxlFolder(rows.slice(0, 2), { extraRow: `3,1.0,60,x,"{'NORM': 100.0, SR: 0}",5,a,b` });
    const db = join(bad, 'ptbxl_database.csv');
    await expect(scanRecords(bad, { progress: false, workers: 0 })).rejects.toThrow(new DataError(db, `line 4 (ecg_id 3): scp_codes "{'NORM': 100.0, SR: 0}" is not a dict of SCP code → likelihood such as {'NORM': 100.0, 'SR': 0.0}`));
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'prepare', '--data', bad, '--out', join(bad, 'run'), '--no-progress'], { cwd: repoRoot, encoding: 'utf8' });
    expect(cli.status).toBe(EXIT.data);
    expect(cli.stderr.trim().split('\n')).toEqual([`ecgpu prepare: ${db}: line 4 (ecg_id 3): scp_codes "{'NORM': 100.0, SR: 0}" is not a dict of SCP code → likelihood such as {'NORM': 100.0, 'SR': 0.0}`]);
  }, 30_000);
});

describe.skipIf(!existsSync(ptbxl))('PTB-XL records (../shared/data/ptb-xl)', () => {
  const manifest = () => {
    const [head, ...lines] = readFileSync(join(ptbxl, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
    const col = head.split('\t');
    return lines.map((l) => l.split('\t')).map((c) => ({
      file: c[col.indexOf('file')], classIds: c[col.indexOf('class_ids')].split(',').filter(Boolean).map(Number), fold: Number(c[col.indexOf('strat_fold')]),
    }));
  };

  it("every record gets exactly its MANIFEST class_ids and strat_fold", () => {
    const rows = manifest();
    const scan = scanRecordsSync(ptbxl);
    expect(scan.bad).toEqual([]);
    expect(scan.records.map((r) => r.path).sort()).toEqual(rows.map((r) => join(ptbxl, r.file)).sort());
    const byPath = new Map(rows.map((r) => [join(ptbxl, r.file), r]));
    const mismatches = scan.records.filter((r) => r.classes.join(',') !== byPath.get(r.path)!.classIds.join(',') || r.fold !== byPath.get(r.path)!.fold);
    expect(mismatches.map((r) => `${r.name}: ${r.dx} -> ${r.classes} fold ${r.fold}`)).toEqual([]);
    expect(scan.records.every((r) => r.unknownDx.length === 0)).toBe(true);
    expect(scan.noClass).toBe(rows.filter((r) => r.classIds.length === 0).length);
    // Folds 1-8 only: the usual split, said in one line.
    const lines = buildDataset(scan, { level: 'all' }).report.lines;
    expect(lines.filter((l) => /strat_fold/.test(l))).toHaveLength(1);
  });

  it('the default SCP table knows every statement scp_statements.csv defines', () => {
    const codes = readFileSync(join(ptbxl, 'scp_statements.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => ptbxlClasses([c]).unknown.length > 0)).toEqual([]);
  });
});
