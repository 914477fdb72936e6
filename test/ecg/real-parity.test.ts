/**
 * The real records in ../shared/data against the reference WFDB tools (rdsamp, rdann built from the
 * WFDB sources): the sha256 of what they print, stored next to this file, must be the sha256 of what
 * `ecgpu inspect --precise` and `ecgpu annotations` print. (The CPSC headers that rdsamp itself
 * refuses, "record name ... is incorrect", are left out of real-ecg-rdsamp-P.sha256.)
 * Formatting every sample of ~350 records takes ~30 s, so one record in 8 is checked unless
 * ECGPU_FULL_PARITY=1 (all of them passed when the lists were made).
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotationsCommand } from '../../src/cli/annotations.js';
import { inspectCommand } from '../../src/cli/inspect.js';
import { mnemonic, parseAnnotations } from '../../src/ecg/wfdb-annotations.js';

const data = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/data');
const ludb = join(data, 'ludb');

/** name → sha256 from a `sha256sum`-style list next to this file. */
function hashes(file: string): Map<string, string> {
  return new Map(readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8').trim().split('\n').map((l) => {
    const [hash, name] = l.split(/\s+/);
    return [name, hash] as const;
  }));
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function output(run: (io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>) {
  let out = '';
  const code = await run({ out: (t) => void (out += t), err: () => {} });
  return { code, out };
}

const stride = process.env.ECGPU_FULL_PARITY === '1' ? 1 : 8;

/** Record names a folder's MANIFEST.tsv lists; each must be in the folder. */
function manifestRecords(folder: string): Set<string> {
  const [head, ...rows] = readFileSync(join(data, folder, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const col = head.split('\t');
  const [rec, file] = [col.indexOf('record'), col.indexOf('file')];
  const missing = rows.map((l) => l.split('\t')).filter((c) => !existsSync(join(data, folder, c[file]))).map((c) => c[file]);
  expect(missing, `${folder}: records MANIFEST.tsv lists but the folder lacks`).toEqual([]);
  return new Set(rows.map((l) => l.split('\t')[rec]));
}

describe.skipIf(!existsSync(data))('real records: inspect --precise equals rdsamp -P', () => {
  // The lists were made when real-ecg also held 51 Georgia records (E*, since taken out): a listed
  // record the folder's MANIFEST no longer has is skipped; every record of the MANIFEST must be there.
  for (const [folder, list, count] of [['ludb', './ludb-rdsamp-P.sha256', 141], ['real-ecg', './real-ecg-rdsamp-P.sha256', 220]] as const) {
    it(`${folder}: ${stride === 1 ? 'all' : `1 in ${stride} of the`} records of its MANIFEST among the ${count} listed`, async () => {
      const expected = hashes(list);
      expect(expected.size).toBe(count);
      const present = manifestRecords(folder);
      const listed = [...expected].filter(([name]) => present.has(name));
      expect(listed.length).toBeGreaterThan(0);
      for (const [name, hash] of listed.filter((_, k) => k % stride === 0)) {
        const r = await output((io) => inspectCommand([join(data, folder, name), '--precise'], io));
        expect(r.code).toBe(0);
        expect(sha(r.out), `${folder}/${name}`).toBe(hash);
      }
    }, 120_000);
  }
});

describe.skipIf(!existsSync(ludb))('LUDB annotation files', () => {
  it('every one of the 1692 per-lead files prints exactly what rdann prints (sha256 of its output)', async () => {
    const expected = hashes('./ludb-rdann.sha256');
    expect(expected.size).toBe(1692);
    const leads = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
    const records = readdirSync(ludb).filter((f) => f.endsWith('.hea')).map((f) => f.slice(0, -4));
    expect(records).toHaveLength(141);
    const counts = new Map<string, number>();
    for (const rec of records) {
      for (const lead of leads) {
        const r = await output((io) => annotationsCommand([join(ludb, rec), lead], io));
        expect(r.code).toBe(0);
        expect(sha(r.out), `${rec}.${lead}`).toBe(expected.get(`${rec}.${lead}`));
        // LUDB delineation: wave onsets '(', peaks (p, N, t) and offsets ')' inside the 10 s.
        const file = parseAnnotations(readFileSync(join(ludb, `${rec}.${lead}`)), lead);
        for (const a of file.annotations) counts.set(mnemonic(a.type), (counts.get(mnemonic(a.type)) ?? 0) + 1);
        expect(file.annotations.every((a) => a.time >= 0 && a.time < 5000)).toBe(true);
      }
    }
    // The totals rdann gives over all 1692 files.
    expect(Object.fromEntries(counts)).toEqual({ '(': 41732, ')': 41834, N: 15836, p: 11793, t: 14206 });
  }, 60_000);
});
