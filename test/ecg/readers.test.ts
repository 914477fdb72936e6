import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseHeader, splitMergedRecordLine, DEFAULT_GAIN } from '../../src/ecg/wfdb-header.js';
import { decodeRecord, decodeSignals, parseMatV4Header, requireTwelveLeads } from '../../src/ecg/wfdb-signals.js';
import { parseChapmanCsv } from '../../src/ecg/csv.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { EcgInputError, STANDARD_LEADS } from '../../src/ecg/types.js';
import { challengeRecord, checksum, column, format16, format212, matV4, tempDir, writeFiles } from './wfdb-fixtures.js';

describe('parseHeader', () => {
  it('reads the record line, signal lines and Challenge comments', () => {
    const h = parseHeader(
      [
        'A0001 12 500 7500 05-Feb-2020 11:39:16',
        ...STANDARD_LEADS.map((l, i) => `A0001.mat 16+24 1000/mV 16 0 ${i} -1716 0 ${l}`),
        '#Age: 74',
        '#Sex: Male',
        '#Dx: 59118001, 426783006',
        '#Rx: Unknown',
      ].join('\r\n'),
      'A0001.hea',
    );
    expect(h).toMatchObject({ name: 'A0001', nSignals: 12, fs: 500, nSamples: 7500, baseTime: '11:39:16', baseDate: '05-Feb-2020' });
    expect(h.signals).toHaveLength(12);
    expect(h.signals[3]).toMatchObject({
      fileName: 'A0001.mat', format: 16, byteOffset: 24, samplesPerFrame: 1, skew: 0, gain: 1000, baseline: 0,
      units: 'mV', adcResolution: 16, adcZero: 0, initialValue: 3, checksum: -1716, blockSize: 0, description: 'aVR',
    });
    expect(h.comments).toEqual(['Age: 74', 'Sex: Male', 'Dx: 59118001, 426783006', 'Rx: Unknown']);
    expect(h.dx).toEqual(['59118001', '426783006']);
    expect(h.age).toBe(74);
    expect(h.sex).toBe('Male');
    expect(h.warnings).toBeUndefined();
  });

  it('parses xN samples per frame, :skew, +offset, (baseline) and units', () => {
    const h = parseHeader('r 2 360/1000(0) 10 12:00:00 01/02/2003\nr.dat 16x4:3+512 200(-12)/uV 12 5 7 0 0 ECG lead II\nr.dat 16x4 0 0 0\n', 'r.hea');
    expect(h).toMatchObject({ fs: 360, nSamples: 10, baseTime: '12:00:00', baseDate: '01/02/2003' });
    expect(h.signals[0]).toMatchObject({ samplesPerFrame: 4, skew: 3, byteOffset: 512, gain: 200, baseline: -12, units: 'uV', adcResolution: 12, adcZero: 5, initialValue: 7, description: 'ECG lead II' });
    // gain 0 means uncalibrated: the WFDB default 200; baseline defaults to the ADC zero; ADC resolution 0 → format default.
    expect(h.signals[1]).toMatchObject({ gain: DEFAULT_GAIN, baseline: 0, units: 'mV', adcResolution: 16, description: 'record r, signal 1' });
  });

  it('applies the spec defaults when fields are missing', () => {
    const h = parseHeader('rec 1\nrec.dat 212\n', 'rec.hea');
    expect(h).toMatchObject({ fs: 250, nSamples: 0 });
    expect(h.signals[0]).toMatchObject({ gain: 200, baseline: 0, adcZero: 0, adcResolution: 12 });
    expect(h.signals[0].initialValue).toBeUndefined(); // absent: nothing to verify
    expect(h.signals[0].checksum).toBeUndefined();
    const z = parseHeader('rec 1 100 5\nrec.dat 16 50 16 -3\n', 'rec.hea');
    expect(z.signals[0]).toMatchObject({ gain: 50, adcZero: -3, baseline: -3 });
  });

  it('keeps comments before the record line (MIT-BIH 100 starts with one)', () => {
    const h = parseHeader('# first\n100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M\n', '100.hea');
    expect(h.comments).toEqual([' first', ' 69 M']);
    expect(h.signals.map((s) => s.baseline)).toEqual([1024, 1024]);
  });

  it('reads a multi-segment master header: segment names and lengths, no signal lines', () => {
    const h = parseHeader('multi/3 2 360 1000\nmulti_0 0\nmulti_1 600\n~ 400\n#Age: 40\n', 'multi.hea');
    expect(h).toMatchObject({ name: 'multi', nSignals: 2, fs: 360, nSamples: 1000, signals: [], age: 40 });
    expect(h.segments).toEqual([{ name: 'multi_0', nSamples: 0 }, { name: 'multi_1', nSamples: 600 }, { name: '~', nSamples: 400 }]);
    expect(() => parseHeader('multi/3 2 360 1000\nmulti_1 600\n', 'multi.hea')).toThrow(/multi\.hea: record line says 3 segments but the header has 1 segment lines/);
    expect(() => parseHeader('multi/1 2 360\nmulti_1 six\n', 'multi.hea')).toThrow(/line 2: segment length 'six' is not a number/);
    expect(() => parseHeader('multi/0 2 360\n', 'multi.hea')).toThrow(/needs at least 1 segment/);
  });

  it('recovers a record line merged with the first signal line, with a warning', () => {
    expect(splitMergedRecordLine('JS01052 12 500 5000 JS01052.mat 16+24 1000/mV 16 0 -254 21756 0 I')).toEqual([
      'JS01052 12 500 5000', 'JS01052.mat 16+24 1000/mV 16 0 -254 21756 0 I',
    ]);
    expect(splitMergedRecordLine('JS01052 12 500 5000JS01052.mat 16+24 1000/mV')).toEqual(['JS01052 12 500 5000', 'JS01052.mat 16+24 1000/mV']);
    expect(splitMergedRecordLine('A0001 12 500 7500 05-Feb-2020 11:39:16')).toBeUndefined();
    const h = parseHeader('R 2 500 4 R.mat 16+24 1000/mV 16 0 1 2 0 I\nR.mat 16+24 1000/mV 16 0 3 4 0 II\n', 'R.hea');
    expect(h.nSamples).toBe(4);
    expect(h.signals.map((s) => s.description)).toEqual(['I', 'II']);
    expect(h.warnings?.[0]).toMatch(/merged/);
  });
});

describe('decodeSignals', () => {
  it('reads a MAT v4 val matrix (column-major) and checks initial values and checksums', () => {
    const frames = [1, -2, 3, 4, -5, 6, 7, 8, -9]; // 3 samples × 3 leads
    const mat = matV4(3, 3, frames);
    expect(parseMatV4Header(mat, 'x.mat')).toEqual({ name: 'val', rows: 3, cols: 3, bigEndian: false, dataOffset: 24 });
    const leads = ['I', 'II', 'III'];
    const hea = ['x 3 500 3', ...leads.map((l, j) => `x.mat 16+24 1000/mV 16 0 ${column(frames, 3, j)[0]} ${checksum(column(frames, 3, j))} 0 ${l}`)].join('\n');
    const rec = decodeRecord(parseHeader(hea, 'x.hea'), new Map([['x.mat', mat]]), 'x.hea');
    expect(rec.leads).toEqual(leads);
    expect(Array.from(rec.digital![0])).toEqual([1, 4, 7]);
    expect(Array.from(rec.digital![1])).toEqual([-2, -5, 8]);
    expect(Array.from(rec.signals[2])).toEqual([0.003, 0.006, -0.009].map(Math.fround));
  });

  it('reads the MAT data offset from its header, not assuming 24', () => {
    const mat = matV4(1, 2, [5, 6], 'signal');
    const h = parseHeader('y 1 500 2\ny.mat 16+24 1000/mV 16 0 5 11 0 I\n', 'y.hea');
    expect(Array.from(decodeSignals(h, new Map([['y.mat', mat]]))[0])).toEqual([5, 6]);
    expect(h.warnings?.[0]).toMatch(/byte 24.*says 27/);
  });

  it('decodes format 212 including negative and odd-count samples', () => {
    const samples = [0, 2047, -2047, -1, 100, -100, 5]; // odd count
    const bytes = format212(samples);
    expect(bytes.length).toBe(11);
    const h = parseHeader(`z 1 360 7\nz.dat 212 200 12 0 0 ${checksum(samples)} 0 MLII\n`, 'z.hea');
    expect(Array.from(decodeSignals(h, new Map([['z.dat', bytes]]))[0])).toEqual(samples);
  });

  it('de-interleaves two signals in one 212 file and applies baseline and gain', () => {
    const frames = [995, 1011, 995, 1010, 1000, 1024];
    const h = parseHeader('m 2 360 3\nm.dat 212 200 11 1024 995 0 0 MLII\nm.dat 212 200 11 1024 1011 0 0 V5\n', 'm.hea');
    h.signals.forEach((s, j) => (s.checksum = checksum(column(frames, 2, j))));
    const rec = decodeRecord(h, new Map([['m.dat', format212(frames)]]), 'm.hea');
    expect(Array.from(rec.digital![1])).toEqual([1011, 1010, 1024]);
    expect(rec.signals[0][0]).toBeCloseTo((995 - 1024) / 200, 6);
  });

  it('reads several signal files per record, samples per frame and skew (outputs checked with rdsamp)', () => {
    // Signal 0 alone in a.dat, 2 samples per frame; signal 1 in b.dat, skew 1: frame t is stored at t+1.
    // Every file must hold nSamples + the largest skew frames: here a.dat does (3 frames).
    const hea = 's 2 100 2\na.dat 16x2 100 16 0\nb.dat 16:1 100 16 0\n';
    const files = new Map([['a.dat', format16([1, 2, 3, 4, 5, 6])], ['b.dat', format16([9, 10, 11])]]);
    const d = decodeSignals(parseHeader(hea, 's.hea'), files);
    expect(Array.from(d[0])).toEqual([1, 2, 3, 4]);
    expect(Array.from(d[1])).toEqual([10, 11]);
    const frame = decodeRecord(parseHeader(hea, 's.hea'), files, 's.hea', { resolution: 'frame' });
    expect(frame.fs).toBe(100);
    expect(frame.digital!.map((x) => Array.from(x))).toEqual([[2, 4], [10, 11]]); // rdsamp: frame means, 1.5 → 2, 3.5 → 4
    const high = decodeRecord(parseHeader(hea, 's.hea'), files, 's.hea');
    expect(high.fs).toBe(200);
    expect(high.digital!.map((x) => Array.from(x))).toEqual([[1, 2, 3, 4], [10, 10, 11, 11]]); // rdsamp -H
    // a.dat with only 2 frames: rdsamp prints 2 - 1 = 1 frame, and so does the reader, with a warning.
    const short = parseHeader(hea, 's.hea');
    const one = decodeRecord(short, new Map([['a.dat', format16([1, 2, 3, 4])], ['b.dat', format16([9, 10, 11])]]), 's.hea', { resolution: 'frame' });
    expect(one.digital!.map((x) => Array.from(x))).toEqual([[2], [10]]);
    expect(short.warnings).toEqual(['header says 2 samples, but the signal files hold 2 frames and the largest skew is 1: read 1 samples, as rdsamp does']);
  });

  it('takes the length from the data when the header gives no sample count', () => {
    const h = parseHeader('t 2\nt.dat 16\nt.dat 16\n', 't.hea');
    decodeSignals(h, new Map([['t.dat', format16([1, 2, 3, 4, 5, 6])]]));
    expect(h.nSamples).toBe(3);
  });
});

describe('parseChapmanCsv', () => {
  const row = (k: number) => STANDARD_LEADS.map((_, j) => (k * 12 + j) * 1.25 - 30).join(',');
  it('reads rows of 12 leads in µV without a header row', () => {
    const rec = parseChapmanCsv([row(0), row(1), row(2)].join('\n') + '\n', 'dir/MUSE_1.csv');
    expect(rec).toMatchObject({ fs: 500, leads: [...STANDARD_LEADS], source: 'dir/MUSE_1.csv' });
    expect(rec.header).toMatchObject({ name: 'MUSE_1', nSignals: 12, nSamples: 3 });
    expect(rec.header.signals[0]).toMatchObject({ gain: 1000, baseline: 0, units: 'mV', description: 'I' });
    expect(rec.signals[1][0]).toBeCloseTo(-0.02875, 6);
    expect(rec.digital![1][0]).toBe(-29); // -28.75 µV rounds to -29 (1 unit = 1 µV)
  });

  it('accepts a header row of lead names in any order', () => {
    const names = [...STANDARD_LEADS].reverse();
    const values = STANDARD_LEADS.map((_, c) => 100 * (11 - c)); // column c is lead 11-c: lead L holds 100·L
    const rec = parseChapmanCsv(`${names.join(',')}\r\n${values.join(',')}\r\n`, 'h.csv');
    expect(rec.header.nSamples).toBe(1);
    expect(Array.from(rec.digital!.map((d) => d[0]))).toEqual(STANDARD_LEADS.map((_, lead) => 100 * lead));
  });
});

describe('readRecord', () => {
  it('finds a record from its .hea, .mat, bare name and reorders leads for a 12-lead reader', () => {
    const frames = Array.from({ length: 12 * 4 }, (_, i) => (i % 12) * 10 + Math.floor(i / 12));
    const shuffled = ['II', 'I', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const dir = writeFiles(tempDir(), challengeRecord('R1', frames, { leads: shuffled }));
    for (const p of ['R1.hea', 'R1.mat', 'R1']) {
      const rec = readRecord(join(dir, p));
      expect(rec.header.name).toBe('R1');
      expect(rec.leads[0]).toBe('II');
      expect(Array.from(rec.digital![0])).toEqual([0, 1, 2, 3]);
    }
    const std = readRecord(join(dir, 'R1'), { twelveLead: true });
    expect(std.leads).toEqual([...STANDARD_LEADS]);
    expect(Array.from(std.digital![0])).toEqual([10, 11, 12, 13]);
    expect(readRecord(join(dir, 'R1'), { digital: false }).digital).toBeUndefined();
  });

  it('reads a Chapman CSV by path or bare name', () => {
    const dir = writeFiles(tempDir(), { 'C1.csv': Array.from({ length: 5 }, () => STANDARD_LEADS.map(() => '12.5').join(',')).join('\n') });
    expect(readRecord(join(dir, 'C1.csv')).header.nSamples).toBe(5);
    expect(readRecord(join(dir, 'C1')).signals[11][4]).toBeCloseTo(0.0125, 7);
  });

  it('requireTwelveLeads passes a standard record through unchanged', () => {
    const rec = parseChapmanCsv(STANDARD_LEADS.map(() => '1').join(','), 'x.csv');
    expect(requireTwelveLeads(rec)).toBe(rec);
  });

  it('errors are EcgInputErrors naming the file', () => {
    expect(() => readRecord('/nonexistent/dir/rec')).toThrow(EcgInputError);
    expect(() => readRecord('/nonexistent/dir/rec.hea')).toThrow(/\/nonexistent\/dir\/rec\.hea: file not found/);
  });
});
