/**
 * Records beyond the common case, through readRecord: the rate the model gets for oversampled
 * signals, units, multi-segment records and their refusals. (Byte-exact rdsamp parity for the same
 * kinds of records: wfdb-reference.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecord } from '../../src/ecg/read-record.js';
import { prepareRecord } from '../../src/ecg/preprocess.js';
import { EcgInputError, STANDARD_LEADS } from '../../src/ecg/types.js';
import { millivoltsPer } from '../../src/ecg/wfdb-signals.js';
import { encodeDatRecord, multiSegmentHeader, type DatSignal } from '../../src/ecg/wfdb-writer.js';
import { ints } from './wfdb-reference-cases.js';
import { tempDir, writeFiles } from './wfdb-fixtures.js';

function twelve(spf: number, frames: number, extra: Partial<DatSignal> = {}): DatSignal[] {
  return STANDARD_LEADS.map((lead, j) => ({
    fileName: 'r.dat', format: 212, description: lead, samples: ints(frames * spf, -500, 500, j), samplesPerFrame: spf, gain: 200, ...extra,
  }));
}

function errorOf(fn: () => unknown): EcgInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EcgInputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('samples per frame: the model sees every sample', () => {
  it('a 12-lead 212x4 record at a 125 Hz frame rate reads as 500 Hz with all samples, rdsamp-style frames on request', () => {
    const dir = writeFiles(tempDir(), encodeDatRecord({ name: 'r', fs: 125, signals: twelve(4, 250) }));
    const rec = readRecord(join(dir, 'r'), { twelveLead: true });
    expect(rec.fs).toBe(500);
    expect(rec.signals[0].length).toBe(1000);
    expect(Array.from(rec.digital![3].subarray(0, 8))).toEqual(ints(8, -500, 500, 3));
    const frames = readRecord(join(dir, 'r'), { resolution: 'frame' });
    expect(frames.fs).toBe(125);
    expect(frames.signals[0].length).toBe(250);
  });

  it('content above the frame rate survives into the prepared record (the frame means would erase it)', () => {
    const signals = twelve(4, 250).map((s) => ({ ...s, samples: Array.from({ length: 1000 }, (_, k) => (k % 2 ? -400 : 400)) }));
    const dir = writeFiles(tempDir(), encodeDatRecord({ name: 'r', fs: 125, signals }));
    const pre = prepareRecord(readRecord(join(dir, 'r')), { fs: 500, seconds: 2, removeBaseline: false });
    expect(pre.fs).toBe(500);
    expect(Array.from(pre.signals[0].subarray(0, 4))).toEqual([2, -2, 2, -2]); // ±400 / 200 per mV
    expect(Array.from(readRecord(join(dir, 'r'), { resolution: 'frame' }).signals[0].subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('skew is given in samples and rounded to frames as the WFDB library does (skew 3 at 2 per frame = 2 frames)', () => {
    const a = ints(20, -99, 99, 1), b = ints(40, -99, 99, 2);
    const dir = writeFiles(tempDir(), encodeDatRecord({ name: 's', fs: 100, signals: [
      { fileName: 's.dat', format: 16, description: 'a', samples: a },
      { fileName: 's.dat', format: 16, description: 'b', samples: b, samplesPerFrame: 2, skew: 3 },
    ] }));
    const rec = readRecord(join(dir, 's'));
    expect(rec.header.signals[1].skew).toBe(3);
    expect(Array.from(rec.digital![1].subarray(0, 4))).toEqual(b.slice(0, 4));
    expect(rec.signals[1].length).toBe(40);
  });
});

describe('units', () => {
  it('scales µV, uV, V and nV to mV and keeps other units with a warning', () => {
    expect(['mV', 'mv', 'uV', 'µV', 'μV', 'V', 'nV', 'mmHg', '%', 'MV'].map(millivoltsPer)).toEqual([1, 1, 1e-3, 1e-3, 1e-3, 1000, 1e-6, undefined, undefined, undefined]);
    const dir = writeFiles(tempDir(), encodeDatRecord({ name: 'u', fs: 500, signals: [
      { fileName: 'u.dat', format: 16, description: 'I', samples: [1500, -250], gain: 1, units: 'uV' },
      { fileName: 'u.dat', format: 16, description: 'II', samples: [1500, -250], gain: 1000, units: 'V' },
      { fileName: 'u.dat', format: 16, description: 'BP', samples: [1200, 800], gain: 10, units: 'mmHg' },
    ] }));
    const rec = readRecord(join(dir, 'u'));
    expect(Array.from(rec.signals[0])).toEqual([1.5, -0.25]); // 1500 µV = 1.5 mV
    expect(Array.from(rec.signals[1])).toEqual([1500, -250]); // 1.5 V = 1500 mV
    expect(Array.from(rec.signals[2])).toEqual([120, 80]); // mmHg kept
    expect(rec.header.warnings).toEqual(["signal 2 (BP) is in 'mmHg', not a voltage: kept in those units"]);
  });

  it('a 12-lead reader refuses a lead that is not a voltage', () => {
    const signals = twelve(1, 10);
    signals[7] = { ...signals[7], units: 'mmHg' };
    const dir = writeFiles(tempDir(), encodeDatRecord({ name: 'r', fs: 500, signals }));
    const e = errorOf(() => readRecord(join(dir, 'r'), { twelveLead: true }));
    expect(e.message).toBe(`${join(dir, 'r.hea')}: lead V2 is in 'mmHg', not a voltage (mV, uV, µV, V or nV); it cannot be scaled to mV`);
  });
});

describe('multi-segment records', () => {
  const seg = (name: string, n: number, seed: number, extra: Partial<DatSignal> = {}) =>
    encodeDatRecord({ name, fs: 250, signals: ['I', 'II'].map((d, j) => ({ fileName: `${name}.dat`, format: 16, description: d, samples: ints(n, -99, 99, seed + j), ...extra })) });

  it('concatenates fixed-layout segments', () => {
    const dir = writeFiles(tempDir(), { ...seg('a', 30, 1), ...seg('b', 20, 3), 'm.hea': multiSegmentHeader('m', 2, 250, [{ name: 'a', nSamples: 30 }, { name: 'b', nSamples: 20 }]) });
    const rec = readRecord(join(dir, 'm'));
    expect(rec.header).toMatchObject({ name: 'm', nSamples: 50 });
    expect(Array.from(rec.digital![1])).toEqual([...ints(30, -99, 99, 2), ...ints(20, -99, 99, 4)]);
  });

  it('refuses gaps, missing layout signals and inconsistent lengths with the reason', () => {
    const base = { ...seg('a', 30, 1), ...seg('b', 20, 3) };
    const cases: [Record<string, string | Uint8Array>, RegExp][] = [
      [{ 'm.hea': multiSegmentHeader('m', 2, 250, [{ name: 'a', nSamples: 30 }, { name: '~', nSamples: 10 }]) }, /^segment 2 is a gap \(~\): gaps would be "no data" samples, which are not read$/],
      [{ 'm.hea': multiSegmentHeader('m', 2, 250, [{ name: 'a', nSamples: 31 }]) }, /^segment a has 30 samples but the master header says 31$/],
      [{ 'm.hea': multiSegmentHeader('m', 2, 360, [{ name: 'a', nSamples: 30 }]) }, /^segment a is sampled at 250 Hz, the record at 360 Hz$/],
      [{ 'm.hea': multiSegmentHeader('m', 2, 250, [{ name: 'L', nSamples: 0 }, { name: 'a', nSamples: 30 }]), 'L.hea': 'L 2 250 0\n~ 0 200/mV 16 0 0 0 0 I\n~ 0 200/mV 16 0 0 0 0 V1\n' },
        /^segment a has no signal 'V1' of the layout: that gap would be "no data" samples, which are not read$/],
    ];
    for (const [files, problem] of cases) {
      const dir = writeFiles(tempDir(), { ...base, ...files });
      const e = errorOf(() => readRecord(join(dir, 'm')));
      expect(e.file).toBe(join(dir, 'm.hea'));
      expect(e.problem).toMatch(problem);
    }
    const nested = writeFiles(tempDir(), { 'm.hea': multiSegmentHeader('m', 2, 250, [{ name: 'n', nSamples: 5 }]), 'n.hea': multiSegmentHeader('n', 2, 250, [{ name: 'a', nSamples: 5 }]) });
    expect(errorOf(() => readRecord(join(nested, 'm'))).problem).toMatch(/nested segments are not read/);
  });
});

describe('file sizes in the new formats', () => {
  it('truncated and oversized 24-bit, 310 and skewed files name the file; a partial 310 group is fine', () => {
    const write = (format: number, n: number, extra: Partial<DatSignal> = {}) =>
      writeFiles(tempDir(), encodeDatRecord({ name: 'z', fs: 100, signals: [{ fileName: 'z.dat', format, description: 'x', samples: ints(n, -500, 500, 9), ...extra }] }));
    const dir24 = write(24, 10);
    writeFiles(dir24, { 'z.dat': new Uint8Array(29) });
    expect(errorOf(() => readRecord(join(dir24, 'z'))).message).toBe(`${join(dir24, 'z.dat')}: truncated: header says 10 samples × 1 signals (30 bytes in format 24), the file has 29 bytes (9 samples)`);
    writeFiles(dir24, { 'z.dat': new Uint8Array(33) });
    expect(errorOf(() => readRecord(join(dir24, 'z'))).problem).toMatch(/^oversized: header says 10 samples × 1 signals \(30 bytes in format 24\), the file has 33 bytes \(11 samples\)/);
    // 4 samples of format 310 take 6 bytes (2 per leftover sample); padding to the whole group (8) is tolerated.
    const dir310 = write(310, 4);
    expect(readRecord(join(dir310, 'z')).digital![0].length).toBe(4);
    const six = readFileSync(join(dir310, 'z.dat'));
    expect(six.length).toBe(6);
    writeFiles(dir310, { 'z.dat': Buffer.concat([six, Buffer.alloc(2)]) });
    expect(Array.from(readRecord(join(dir310, 'z')).digital![0])).toEqual(ints(4, -500, 500, 9));
    writeFiles(dir310, { 'z.dat': Buffer.concat([six, Buffer.alloc(4)]) });
    expect(errorOf(() => readRecord(join(dir310, 'z'))).problem).toMatch(/^oversized: /);
    // Skew 2: the file holds 10 + 2 frames; fewer than 10 is truncated.
    const skewed = write(16, 10, { skew: 2 });
    writeFiles(skewed, { 'z.dat': new Uint8Array(18) });
    expect(errorOf(() => readRecord(join(skewed, 'z'))).problem).toMatch(/^truncated: header says 10 samples × 1 signals \(20 bytes in format 16\), the file has 18 bytes \(9 samples\)/);
  });
});

describe('FLAC signal files (formats 508/516/524)', () => {
  const ref = fileURLToPath(new URL('./wfdb-reference/flac', import.meta.url));
  it('reads a libFLAC stream and refuses a damaged one or one that disagrees with the header, naming the file', () => {
    const rec = readRecord(join(ref, 'flac516'));
    expect(rec.header.signals[0].format).toBe(516);
    expect(rec.signals[0].length).toBe(3000);
    const bytes = readFileSync(join(ref, 'flac516.dat'));
    const hea = readFileSync(join(ref, 'flac516.hea'), 'utf8');
    const dir = writeFiles(tempDir(), { 'flac516.hea': hea, 'flac516.dat': bytes.subarray(0, bytes.length - 100) });
    expect(errorOf(() => readRecord(join(dir, 'flac516'))).message).toMatch(new RegExp(`^${join(dir, 'flac516.dat')}: corrupt FLAC stream at byte \\d+: unexpected end of the file`));
    writeFiles(dir, { 'flac516.dat': bytes, 'flac516.hea': hea.replace(/^flac516 2 250 3000/, 'flac516 2 250 3001') });
    expect(errorOf(() => readRecord(join(dir, 'flac516'))).problem).toBe('truncated: header says 3001 samples, the FLAC stream holds 3000');
    const oneSignal = hea.split('\n').filter((l, i) => i !== 2).join('\n').replace(/^flac516 2/, 'flac516 1');
    writeFiles(dir, { 'flac516.hea': oneSignal });
    expect(errorOf(() => readRecord(join(dir, 'flac516'))).problem).toBe('FLAC stream has 2 channels, the header 1 signals in this file');
  });
});
