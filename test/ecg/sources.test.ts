/**
 * listRealRecords: every record of ../shared/data's real-ecg, ludb and ptb-xl folders (as their
 * MANIFEST.tsv files list them), with the source database group by which a model is held out, and
 * with the classes the project's readers give (equal to each manifest's class_ids).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { challengeSource, listRealRecords, SOURCE_DESCRIPTIONS, SOURCE_GROUPS, type SourceGroup } from '../../src/ecg/sources.js';

const data = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/data');

/** file (relative to the folder) → class_ids of a MANIFEST.tsv. */
function manifest(folder: string): Map<string, number[]> {
  const [head, ...rows] = readFileSync(join(data, folder, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const col = head.split('\t');
  return new Map(rows.map((l) => l.split('\t')).map((c) => [c[col.indexOf('file')], c[col.indexOf('class_ids')].split(',').filter(Boolean).map(Number)]));
}

describe('source groups', () => {
  it('groups Challenge records by database prefix and describes every group', () => {
    const cases: [string, SourceGroup | undefined][] = [
      ['A0001', 'CPSC'], ['Q0003', 'CPSC'], ['S0001', 'PTB'], ['HR00001', 'PTB'], ['JS00001', 'Chapman-Ningbo'],
      ['MUSE_20180111_155115_19000', 'Chapman-Ningbo'], ['E00001', undefined], ['HRX', undefined],
    ];
    for (const [name, group] of cases) expect(challengeSource(name), name).toBe(group);
    expect(Object.keys(SOURCE_DESCRIPTIONS).sort()).toEqual([...SOURCE_GROUPS].sort());
    expect(listRealRecords(join(data, 'no-such-folder'))).toEqual([]);
  });
});

describe.skipIf(!existsSync(data))('real records in ../shared/data', () => {
  it("lists every manifest record once, with its group and the manifest's class_ids", () => {
    const records = listRealRecords(data);
    const folders = ['real-ecg', 'ludb', 'ptb-xl'].filter((f) => existsSync(join(data, f)));
    const expected = new Map(folders.flatMap((f) => [...manifest(f)].map(([file, ids]) => [join(data, f, file), ids] as const)));
    expect(records.map((r) => r.path).sort()).toEqual([...expected.keys()].sort());
    const mismatches = records.filter((r) => r.classes.join(',') !== expected.get(r.path)!.join(','));
    expect(mismatches.map((r) => `${r.name}: ${r.classes} (manifest ${expected.get(r.path)})`)).toEqual([]);
    for (const r of records) {
      const folder = r.path.slice(data.length + 1).split('/')[0];
      const group = folder === 'ludb' ? 'LUDB' : folder === 'ptb-xl' ? 'PTB' : challengeSource(r.name);
      expect(r.source, r.path).toBe(group);
      expect(r.fold !== undefined, r.path).toBe(folder === 'ptb-xl');
    }
    // Each group present in the data has records, labelled ones among them.
    const groups = new Set(records.map((r) => r.source));
    for (const g of groups) expect(records.some((r) => r.source === g && r.classes.length > 0), g).toBe(true);
  });
});
