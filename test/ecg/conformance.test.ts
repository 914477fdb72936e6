/**
 * The WFDB conformance records (../shared/data/wfdb-conformance) against the output of the reference
 * `rdsamp`: the readers and inspect's formatting must reproduce it byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecord } from '../../src/ecg/read-record.js';
import { formatSamplesText, inspectCommand, parseTime } from '../../src/cli/inspect.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = resolve(repoRoot, '../shared/data/wfdb-conformance');

/** Captures inspectCommand's stdout and stderr. */
async function runInspect(argv: string[]) {
  let out = '';
  let err = '';
  const code = await inspectCommand(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe.skipIf(!existsSync(dir))('WFDB conformance (rdsamp output)', () => {
  const expected1a = () => readFileSync(resolve(dir, 'record-1a.txt'), 'utf8');
  const expected2b = () => readFileSync(resolve(dir, 'record-2b.txt'), 'utf8');

  it('test01_00s (format 16, 4 signals): digital values equal rdsamp', () => {
    const rec = readRecord(resolve(dir, 'test01_00s.hea'));
    expect(rec.header).toMatchObject({ nSignals: 4, fs: 500, nSamples: 4000 });
    const rows = expected1a().trim().split('\n').map((l) => l.split('\t').map(Number));
    expect(rows).toHaveLength(4000);
    for (let j = 0; j < 4; j++) expect(Array.from(rec.digital![j])).toEqual(rows.map((r) => r[j]));
    // Physical values: (digital - baseline 0) / gain 100.
    expect(rec.signals[0][0]).toBeCloseTo(rows[0][0] / 100, 6);
    expect(formatSamplesText(rec, { units: 'digital' })).toBe(expected1a());
  });

  it('100 (format 212, comment line first): signal 1 from 0.002 s to 30 s equals rdsamp', () => {
    const rec = readRecord(resolve(dir, '100'));
    expect(rec.header).toMatchObject({ nSignals: 2, fs: 360, nSamples: 650000 });
    expect(rec.leads).toEqual(['MLII', 'V5']);
    const from = parseTime('0.002', 360);
    const to = parseTime('30', 360);
    expect([from, to]).toEqual([1, 10800]);
    const values = expected2b().trim().split('\n').map(Number);
    expect(Array.from(rec.digital![1].subarray(from, to))).toEqual(values);
    expect(formatSamplesText(rec, { units: 'digital', from, to, signals: [1] })).toBe(expected2b());
  });

  it('inspectCommand reproduces record-1a.txt and record-2b.txt', async () => {
    const a = await runInspect([resolve(dir, 'test01_00s')]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(expected1a());
    expect(a.err).toMatch(/record test01_00s .*4 signals, 500 Hz, 4000 samples/);
    const b = await runInspect([resolve(dir, '100.hea'), '--from', '0.002', '--to', '30', '--signals', '1']);
    expect(b.code).toBe(0);
    expect(b.out).toBe(expected2b());
    const byName = await runInspect([resolve(dir, '100.dat'), '--from', '0.002', '--to', '30', '--signals', 'V5']);
    expect(byName.out).toBe(expected2b());
  });

  it('prints physical values as rdsamp -p (%7.3f) and -P (%15.8f)', async () => {
    const p = await runInspect([resolve(dir, 'test01_00s'), '--physical', '--to', 's2']);
    // First rows of record-1a are 10 -8 -57 -66 / 11 -6 -56 -66, gain 100/mV, baseline 0.
    expect(p.out).toBe('  0.100\t -0.080\t -0.570\t -0.660\n  0.110\t -0.060\t -0.560\t -0.660\n');
    const P = await runInspect([resolve(dir, '100'), '--precise', '--to', 's1']);
    expect(P.out).toBe(`${((995 - 1024) / 200).toFixed(8).padStart(15)}\t${((1011 - 1024) / 200).toFixed(8).padStart(15)}\n`);
  });
});
