import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatFixed, formatSamples, formatSamplesText, headerSummary, inspectCommand, parseInspectArgs, parseTime,
} from '../../src/cli/inspect.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { challengeRecord, tempDir, writeFiles } from './wfdb-fixtures.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await inspectCommand(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** A 12-lead record of 6 samples: lead j, sample k holds 100·j + k - 250 (gain 1000/mV). */
function smallRecord(): string {
  const frames = Array.from({ length: 72 }, (_, i) => 100 * (i % 12) + Math.floor(i / 12) - 250);
  return join(writeFiles(tempDir(), challengeRecord('P1', frames, { dx: '59118001,427084000,164889003' })), 'P1');
}

describe('formatFixed (C printf %.Nf)', () => {
  it('matches toFixed away from ties', () => {
    for (const x of [0, 1, -1, 0.1, -0.145, 123.4567, -5.0004999, 1e-9]) expect(formatFixed(x, 3)).toBe(x.toFixed(3));
    expect(formatFixed(0.0005, 3)).toBe('0.001'); // 0.0005 is slightly above the tie in binary
    expect(formatFixed(1.0005, 3)).toBe('1.000'); // and this one slightly below
  });
  it('rounds exact binary ties half to even like glibc, and keeps the sign of -0', () => {
    expect(formatFixed(0.0625, 3)).toBe('0.062');
    expect(formatFixed(-0.0625, 3)).toBe('-0.062');
    expect(formatFixed(0.1875, 3)).toBe('0.188');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(-0, 3)).toBe('-0.000');
    expect(formatFixed(-0.0001, 3)).toBe('-0.000');
    expect(formatFixed(0.001953125, 8)).toBe('0.00195312');
  });
});

describe('argument parsing', () => {
  it('reads options and times', () => {
    expect(parseInspectArgs(['r', '--physical', '--from', '1.5', '--to', '0:02', '--signals', '1,V5'])).toEqual({
      record: 'r', units: 'physical', from: '1.5', to: '0:02', signals: ['1', 'V5'],
    });
    expect(parseInspectArgs(['--help'])).toBe('help');
    expect(parseTime('0.002', 360)).toBe(1);
    expect(parseTime('1:00', 500)).toBe(30000);
    expect(parseTime('0:01:00.5', 2)).toBe(121);
    expect(parseTime('s17', 500)).toBe(17);
  });
});

describe('inspectCommand', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: ecgpu inspect <record> .*--physical/s);
  });

  it('prints digital values, a slice, chosen signals and physical values', async () => {
    const rec = smallRecord();
    const all = await run([rec]);
    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines).toHaveLength(7); // 6 samples + final newline
    expect(lines[0].split('\t')).toHaveLength(12);
    expect(lines[0].slice(0, 15)).toBe('   -250\t   -150');
    const slice = await run([rec, '--from', 's2', '--to', '0.01', '--signals', 'V6,0']); // 0.01 s = sample 5
    expect(slice.out).toBe('    852\t   -248\n    853\t   -247\n    854\t   -246\n');
    const phys = await run([rec, '--physical', '--to', 's1', '--signals', 'aVR']);
    expect(phys.out).toBe('  0.050\n');
    const precise = await run([rec, '--precise', '--to', 's1', '--signals', '3']);
    expect(precise.out).toBe('     0.05000000\n');
  });

  it('summarises the header on stderr with the labels', async () => {
    const r = await run([smallRecord(), '--to', 's0']);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^record P1 \(.*P1\.hea\): 12 signals, 500 Hz, 6 samples \(0\.012 s\)\n/);
    expect(r.err).toMatch(/\n  3\taVR\tP1\.mat format 16\tgain 1000\/mV baseline 0/);
    expect(r.err).toMatch(/age 50, sex Female/);
    expect(r.err).toMatch(/dx 59118001,427084000,164889003 -> classes 1 \(sinus tachycardia\), 4 \(RBBB\)/);
  });

  it('bad input: one line on stderr naming the file, exit 5, no stack trace', async () => {
    const dir = tempDir();
    const missing = await run([join(dir, 'nothing')]);
    expect(missing.code).toBe(5);
    expect(missing.err).toBe(`ecgpu inspect: ${join(dir, 'nothing')}: no record found (looked for ${join(dir, 'nothing')}.hea and ${join(dir, 'nothing')}.csv)\n`);
    const rec = smallRecord();
    const mat = readFileSync(rec + '.mat');
    writeFileSync(rec + '.mat', mat.subarray(0, 100));
    const truncated = await run([rec]);
    expect(truncated.code).toBe(5);
    expect(truncated.out).toBe('');
    expect(truncated.err.split('\n')).toEqual([`ecgpu inspect: ${rec}.mat: truncated: matrix 'val' (12×6 int16) needs 168 bytes, the file has 100`, '']);
    expect(truncated.err).not.toMatch(/\n\s+at /);
  });

  it('bad arguments: exit 2 with a pointer to --help', async () => {
    const rec = smallRecord();
    for (const argv of [[], ['--bogus', rec], [rec, '--from'], [rec, '--from', 'soon'], [rec, '--signals', '12'], [rec, '--signals', 'V7'], [rec, '--from', '10'], [rec, '--from', 's4', '--to', 's2']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n').pop()).toMatch(/^ecgpu inspect: .* \(see ecgpu inspect --help\)$/);
      expect(r.out).toBe('');
    }
  });

  it('reads a Chapman CSV', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'M.csv'), ['-165.33', '12.5'].map((v) => new Array(12).fill(v).join(',')).join('\n'));
    const r = await run([join(dir, 'M.csv'), '--physical', '--signals', '0']);
    expect(r.out).toBe(' -0.165\n  0.013\n'); // digital round(µV) → mV: -165 → -0.165, 13 → 0.013
  });
});

const shared = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/data/wfdb-conformance');
describe.skipIf(!existsSync(shared))('large records', () => {
  it('formats all 650000 samples of record 100 in chunks, quickly', () => {
    const rec = readRecord(resolve(shared, '100'));
    expect(headerSummary(rec)).toMatch(/650000 samples \(1805\.556 s\)/);
    const t0 = performance.now();
    let lines = 0;
    let chunks = 0;
    for (const chunk of formatSamples(rec, { units: 'physical' })) {
      chunks++;
      lines += chunk.split('\n').length - 1;
    }
    expect(lines).toBe(650000);
    expect(chunks).toBe(Math.ceil(650000 / 4096));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(formatSamplesText(rec, { units: 'physical', to: 1 })).toBe(' -0.145\t -0.065\n');
  });
});
