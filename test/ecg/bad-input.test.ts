/** Bad files: each must give an EcgInputError that names the file and says what is wrong. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecord, type ReadRecordOptions } from '../../src/ecg/read-record.js';
import { classesOfStrict } from '../../src/ecg/labels.js';
import { EcgInputError } from '../../src/ecg/types.js';
import { challengeRecord, checksum, format16, matV4, tempDir, writeFiles } from './wfdb-fixtures.js';

/** 12 leads × n samples of small distinct values. */
function frames12(n: number): number[] {
  return Array.from({ length: 12 * n }, (_, i) => (i % 12) * 3 - Math.floor(i / 12));
}

/** Reads `path` expecting an EcgInputError about `file` whose message matches `problem`. */
function expectError(path: string, file: string, problem: RegExp, opts?: ReadRecordOptions): EcgInputError {
  let caught: unknown;
  try {
    readRecord(path, opts);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EcgInputError);
  const err = caught as EcgInputError;
  expect(err.file).toBe(file);
  expect(err.problem).toMatch(problem);
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  return err;
}

describe('bad signal files', () => {
  it('truncated and oversized .mat', () => {
    const dir = writeFiles(tempDir(), challengeRecord('T', frames12(10)));
    const mat = readFileSync(join(dir, 'T.mat'));
    writeFileSync(join(dir, 'T.mat'), mat.subarray(0, mat.length - 10));
    expectError(join(dir, 'T'), join(dir, 'T.mat'), /^truncated: matrix 'val' \(12×10 int16\) needs 264 bytes, the file has 254$/);
    writeFileSync(join(dir, 'T.mat'), Buffer.concat([mat, Buffer.alloc(4)]));
    expectError(join(dir, 'T'), join(dir, 'T.mat'), /^oversized: 4 bytes after matrix 'val'/);
    writeFileSync(join(dir, 'T.mat'), mat.subarray(0, 12));
    expectError(join(dir, 'T'), join(dir, 'T.mat'), /truncated MAT v4 file: 12 bytes/);
  });

  it('truncated and oversized .dat', () => {
    const samples = [1, 2, 3, 4, 5, 6];
    const dir = writeFiles(tempDir(), { 'D.hea': `D 2 100 3\nD.dat 16 100 16 0\nD.dat 16 100 16 0\n`, 'D.dat': format16(samples.slice(0, 5)) });
    expectError(join(dir, 'D.hea'), join(dir, 'D.dat'), /^truncated: header says 3 samples × 2 signals \(12 bytes in format 16\), the file has 10 bytes/);
    writeFiles(dir, { 'D.dat': format16([...samples, 7, 8]) });
    expectError(join(dir, 'D.hea'), join(dir, 'D.dat'), /^oversized: header says 3 samples × 2 signals \(12 bytes in format 16\), the file has 16 bytes \(4 samples\)/);
  });

  it('header and data disagreeing on the sample count and the lead count', () => {
    const dir = writeFiles(tempDir(), challengeRecord('S', frames12(4)));
    const hea = readFileSync(join(dir, 'S.hea'), 'utf8');
    writeFileSync(join(dir, 'S.hea'), hea.replace('S 12 500 4', 'S 12 500 5'));
    expectError(join(dir, 'S'), join(dir, 'S.mat'), /header says 5 samples but matrix 'val' has 4 columns/);
    writeFileSync(join(dir, 'S.hea'), hea);
    writeFileSync(join(dir, 'S.mat'), matV4(11, 4, frames12(4)));
    expectError(join(dir, 'S'), join(dir, 'S.mat'), /header says 12 leads in this file but matrix 'val' has 11 rows/);
  });

  it('checksum and initial value mismatches name the file and the signal', () => {
    const dir = writeFiles(tempDir(), challengeRecord('K', frames12(3)));
    const hea = readFileSync(join(dir, 'K.hea'), 'utf8').split('\n');
    const v2 = hea[3].split(' '); // signal 2 (III): values 6, 5, 4
    expect(v2.slice(5, 7)).toEqual(['6', String(checksum([6, 5, 4]))]);
    writeFileSync(join(dir, 'K.hea'), [...hea.slice(0, 3), [...v2.slice(0, 6), '99', ...v2.slice(7)].join(' '), ...hea.slice(4)].join('\n'));
    expectError(join(dir, 'K'), join(dir, 'K.mat'), /^signal 2 \(III\): checksum of the samples is 15 but the header says 99$/);
    writeFileSync(join(dir, 'K.hea'), [...hea.slice(0, 3), [...v2.slice(0, 5), '7', ...v2.slice(6)].join(' '), ...hea.slice(4)].join('\n'));
    expectError(join(dir, 'K'), join(dir, 'K.mat'), /^signal 2 \(III\): first sample is 6 but the header's initial value is 7$/);
  });

  it('-32768 "no data" samples', () => {
    const f = frames12(3);
    f[12 + 4] = -32768; // sample 1 of aVL
    const dir = writeFiles(tempDir(), challengeRecord('N', f));
    expectError(join(dir, 'N'), join(dir, 'N.mat'), /^signal 4 \(aVL\): sample 1 is -32768, the WFDB "no data" value$/);
  });

  it('a .mat that is not an int16 matrix, an unsupported format, a missing signal file', () => {
    const dir = writeFiles(tempDir(), challengeRecord('M', frames12(2)));
    const mat = readFileSync(join(dir, 'M.mat'));
    mat.writeInt32LE(0, 0); // type 0: double
    writeFileSync(join(dir, 'M.mat'), mat);
    expectError(join(dir, 'M'), join(dir, 'M.mat'), /MAT v4 matrix type 0 is not supported/);
    writeFiles(dir, { 'F.hea': 'F 1 100 2\nF.dat 999 200\n', 'F.dat': new Uint8Array(4) });
    expectError(join(dir, 'F'), join(dir, 'F.dat'), /^storage format 999 is not supported \(supported: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, FLAC 508\/516\/524 and MAT v4 int16\)$/);
    for (const flac of [508, 516, 524]) {
      writeFiles(dir, { 'L.hea': `L 1 100 2\nL.dat ${flac} 200\n`, 'L.dat': new Uint8Array(16) });
      expectError(join(dir, 'L'), join(dir, 'L.dat'), /^not a FLAC file \(no fLaC marker\)$/);
    }
    writeFiles(dir, { 'G.hea': 'G 1 100 2\nG_missing.dat 16 200\n' });
    expectError(join(dir, 'G'), join(dir, 'G_missing.dat'), /file not found \(signal file named in .*G\.hea\)/);
  });

  it('a signal file without its header, and a file that is no record (the browser reader says the same)', () => {
    const dir = writeFiles(tempDir(), { 'N.dat': new Uint8Array(8), 'P.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    expectError(join(dir, 'N.dat'), join(dir, 'N.hea'), /^file not found \(the header of N\.dat: a signal file alone cannot be read\)$/);
    expectError(join(dir, 'P.png'), join(dir, 'P.png'), /^unknown record file type \(expected \.hea, \.mat, \.dat or \.csv\)$/);
  });
});

describe('bad headers', () => {
  it('merged record and signal lines that cannot be split, signal count mismatches, bad numbers', () => {
    const dir = tempDir();
    writeFiles(dir, { 'H.hea': 'H 2 500 4 Hsignals 16 1000/mV 16 0 0 0 0 I\nHsignals 16 1000/mV 16 0 0 0 0 II\n' });
    expectError(join(dir, 'H'), join(dir, 'H.hea'), /record line says 2 signals but the header has 1 signal lines/);
    writeFiles(dir, { 'H.hea': 'H x 500\n' });
    expectError(join(dir, 'H'), join(dir, 'H.hea'), /line 1: signal count 'x' is not a number/);
    writeFiles(dir, { 'H.hea': 'H 1 500 4\nH.dat 16 1000/mV 16 zero\n' });
    expectError(join(dir, 'H'), join(dir, 'H.hea'), /line 2: ADC zero 'zero' is not a number/);
    writeFiles(dir, { 'H.hea': 'H 1 500 4\nH.dat sixteen\n' });
    expectError(join(dir, 'H'), join(dir, 'H.hea'), /line 2: bad signal format 'sixteen'/);
    writeFiles(dir, { 'H.hea': '# only a comment\n' });
    expectError(join(dir, 'H'), join(dir, 'H.hea'), /no record line/);
    writeFiles(dir, { 'H.hea': 'H/2 2 360 100\nseg1 50\nseg2 50\n' });
    expectError(join(dir, 'H'), join(dir, 'seg1.hea'), /^file not found \(segment 1 of the multi-segment record .*H\.hea\)$/);
  });

  it('wrong lead count or names for a 12-lead reader', () => {
    const dir = writeFiles(tempDir(), challengeRecord('L3', [1, 2, 3, 4, 5, 6], { leads: ['I', 'II', 'III'] }));
    expect(readRecord(join(dir, 'L3')).leads).toEqual(['I', 'II', 'III']);
    expectError(join(dir, 'L3'), join(dir, 'L3.hea'), /expected 12 leads .* but the record has 3: I,II,III/, { twelveLead: true });
    const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'X'];
    writeFiles(dir, challengeRecord('LX', frames12(2), { leads }));
    expectError(join(dir, 'LX'), join(dir, 'LX.hea'), /missing standard lead\(s\) V6/, { twelveLead: true });
  });

  it('unknown diagnosis codes', () => {
    const dir = writeFiles(tempDir(), challengeRecord('U', frames12(2), { dx: '426783006,Bogus' }));
    const rec = readRecord(join(dir, 'U'));
    expect(() => classesOfStrict(rec.header.dx, rec.source)).toThrow(`${join(dir, 'U.hea')}: unknown diagnosis 'Bogus'`);
  });
});

describe('bad Chapman CSV', () => {
  const row = (v = '1.5') => new Array(12).fill(v).join(',');
  it('non-numeric cells, NaN, empty cells and wrong column counts', () => {
    const dir = tempDir();
    const file = join(dir, 'c.csv');
    const cases: [string, RegExp][] = [
      [`${row()}\n${row().replace(/^1\.5,1\.5/, '1.5,abc')}\n`, /^line 2, lead II: 'abc' is not a number$/],
      [`${row()}\n${row().replace(/1\.5$/, 'NaN')}\n`, /^line 2, lead V6: NaN \("no data"\)$/],
      [`${row().replace(/^1\.5/, '')}\n`, /^line 1, lead I: empty cell$/],
      [`${row()}\n1,2,3\n`, /^line 2: 3 columns, expected 12 leads$/],
      [`I,II,III\n1,2,3\n`, /^header row has 3 columns, expected 12 leads/],
      [`${'I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,Vx'}\n${row()}\n`, /^header row names unknown lead\(s\) 'Vx'/],
      ['\n\n', /^empty CSV file$/],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(file, text);
      expectError(file, file, problem);
    }
  });
});
