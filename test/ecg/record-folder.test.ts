/**
 * The browser's folder reader (record-folder.ts: files with relative paths, no file system) against the
 * Node scan on the same folder: the same records, classes, PTB-XL folds and refusal reasons. Always on
 * a folder of written synthetic records (one good, one without its signal file, one with a single lead);
 * on ../shared's real-ecg, LUDB and PTB-XL folders when present.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { readFolderRecord, scanFolder } from '../../src/ecg/record-folder.js';
import { folderFilesOnDisk as folderFiles } from '../../src/ecg/disk-folder.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { scanRecordsSync } from '../../src/ecg/scan.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

/** The Node scan and the folder reader on `dir`, header records only, with the same relative paths. */
async function both(dir: string) {
  const rel = (p: string) => relative(dirname(dir), p);
  const node = scanRecordsSync(dir);
  const page = await scanFolder(folderFiles(dir));
  const hea = (p: string) => p.toLowerCase().endsWith('.hea');
  return {
    node: {
      records: node.records.filter((r) => hea(r.path)).map((r) => ({ path: rel(r.path), classes: r.classes, fold: r.fold })),
      bad: node.bad.map((b) => b.reason.replaceAll(`${dirname(dir)}/`, '')),
    },
    page: {
      records: page.records.map((r) => ({ path: r.path, classes: r.classes, fold: r.fold })),
      bad: page.bad.filter((b) => hea(b.path)).map((b) => b.reason),
      csv: page.bad.filter((b) => !hea(b.path)),
      notes: page.notes,
    },
  };
}

describe('reading a folder of records from File-like objects (the Adapt page)', () => {
  it('gives the Node scan\'s records, labels and one-line reasons on written records; signals decode as readRecord\'s', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ecgpu-folder-')), 'clinic');
    const good = writeRecord(join(dir, 'a'), generateRecord(4, 11), 'GOOD');
    writeRecord(join(dir, 'a'), generateRecord(3, 12), 'NOSIG');
    unlinkSync(join(dir, 'a', 'NOSIG.mat'));
    const one = generateRecord(0, 13);
    writeRecord(dir, { ...one, leads: ['II'], signals: [one.signals[1]], digital: undefined, header: { ...one.header, nSignals: 1, signals: [one.header.signals[1]] } }, 'ONE');
    const { node, page } = await both(dir);
    expect(page.records).toEqual(node.records);
    expect(page.records.map((r) => r.path)).toEqual(['clinic/a/GOOD.hea']);
    expect(page.bad).toEqual(node.bad);
    expect(page.bad).toHaveLength(2);
    expect(page.bad[0]).toMatch(/^clinic\/ONE\.hea: /);
    expect(page.bad[1]).toBe('clinic/a/NOSIG.mat: signal file not found (named in clinic/a/NOSIG.hea)');
    const scan = await scanFolder(folderFiles(dir));
    const fromFiles = await readFolderRecord(scan.records[0]);
    const fromPath = readRecord(good, { digital: false });
    expect(fromFiles.leads).toEqual(fromPath.leads);
    expect(fromFiles.signals.map((s) => Array.from(s))).toEqual(fromPath.signals.map((s) => Array.from(s)));
  });

  for (const folder of ['real-ecg', 'ludb', 'ptb-xl']) {
    it.skipIf(!existsSync(join(DATA, folder)))(`gives the Node scan's records, classes and folds on ../shared/data/${folder}`, async () => {
      const { node, page } = await both(join(DATA, folder));
      expect(page.records).toEqual(node.records);
      expect(page.bad).toEqual(node.bad);
      const labelled = page.records.filter((r) => r.classes.length).length;
      console.log(`${folder}: ${page.records.length} header records (${labelled} labelled), ${page.bad.length} refused, ${page.csv.length} .csv records not read${page.notes.length ? `; ${page.notes.join('; ')}` : ''}`);
      if (folder === 'ptb-xl') expect(page.records.every((r) => r.fold !== undefined)).toBe(true);
      if (folder === 'real-ecg') expect(page.csv.map((b) => b.reason)).toEqual(['real-ecg/MUSE_20180111_155115_19000.csv: a Chapman .csv record keeps its labels in a separate Diagnostics sheet, which this page does not read']);
    });
  }
});
