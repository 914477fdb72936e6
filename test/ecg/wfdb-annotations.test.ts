/** MIT-format annotation files: the reader, the writer, `ecgpu annotations` and LUDB's real files. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { annotationsCommand, msTimeString } from '../../src/cli/annotations.js';
import { encodeAnnotations, mnemonic, parseAnnotations, typeCode, type Annotation } from '../../src/ecg/wfdb-annotations.js';
import { EcgInputError } from '../../src/ecg/types.js';
import { tempDir, writeFiles } from './wfdb-fixtures.js';

async function run(argv: string[]) {
  let out = '', err = '';
  const code = await annotationsCommand(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const ann = (time: number, type: number, extra: Partial<Annotation> = {}): Annotation => ({ time, type, subtype: 0, chan: 0, num: 0, ...extra });

describe('parseAnnotations', () => {
  it('round-trips types, long gaps, subtypes, chan and num (which carry over) and aux text', () => {
    const anns = [ann(5, 1), ann(1029, 5, { subtype: -1 }), ann(3_000_000, 28, { aux: '(AFIB' }), ann(3_000_001, 1, { chan: 2, num: -3 }), ann(3_000_500, 1, { chan: 2, num: -3, aux: '' })];
    const file = parseAnnotations(encodeAnnotations(anns), 'x.atr');
    expect(file.annotations).toEqual(anns.map((a) => (a.aux === undefined ? a : { ...a })));
    expect(file.warnings).toEqual([]);
    // The bytes of the first annotation: N (1 << 10) + 5, little-endian; the file ends with a zero word.
    const bytes = encodeAnnotations([ann(5, 1)]);
    expect(Array.from(bytes)).toEqual([5, 4, 0, 0]);
  });

  it('reads the table (custom mnemonics, time resolution) and keeps it out of the annotations', () => {
    const file = parseAnnotations(encodeAnnotations([
      ann(0, 22, { aux: '45 X custom' }), ann(0, 22, { aux: '## time resolution: 1000' }), ann(0, 22, { aux: 'a note at 0', subtype: 1 }), ann(7, 45),
    ]), 't.atr');
    expect(file.timeResolution).toBe(1000);
    expect(file.annotations.map((a) => [a.time, a.type])).toEqual([[0, 22], [7, 45]]);
    expect(mnemonic(45, file.mnemonics)).toBe('X');
    expect([mnemonic(1), mnemonic(39), mnemonic(40), mnemonic(24), mnemonic(45), mnemonic(55)]).toEqual(['N', '(', ')', 'p', '[45]', '[55]']);
    expect(typeCode('t')).toBe(27);
  });

  it('errors and warnings name the file', () => {
    const good = encodeAnnotations([ann(5, 1), ann(9, 28, { aux: '(N' })]);
    expect(parseAnnotations(good.subarray(0, good.length - 2), 'a.atr').warnings).toEqual([
      'no end-of-file marker (a zero word): the file may be truncated; read what it holds, as rdann does',
    ]);
    expect(() => parseAnnotations(good.subarray(0, 7), 'a.atr')).toThrow(/^a\.atr: truncated: annotation 1 at tick 9 announces 2 bytes of aux text/);
    expect(() => parseAnnotations(new Uint8Array([0x00, 0x4e, 0, 0]), 'b.atr')).toThrow(EcgInputError);
    expect(() => parseAnnotations(new Uint8Array([0x00, 0x4e, 0, 0]), 'b.atr')).toThrow(/AHA-format/);
    expect(() => parseAnnotations(new Uint8Array([0x00, 0xec, 0x01, 0x00]), 'c.atr')).toThrow(/c\.atr: truncated: a SKIP interval is cut off/);
  });
});

describe('ecgpu annotations', () => {
  it('prints rdann lines: elapsed time, sample, type, sub, chan, num, aux', async () => {
    const dir = writeFiles(tempDir(), {
      'r.hea': 'r 1 250 1000\nr.dat 16 200 16 0 0 0 0 I\n',
      'r.atr': encodeAnnotations([ann(0, 1), ann(250, 5, { subtype: 2 }), ann(901_234, 28, { aux: '(VT', chan: 1, num: 4 })]),
    });
    const r = await run([join(dir, 'r.hea'), 'atr']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      '    0:00.000        0     N    0    0    0\n' +
      '    0:01.000      250     V    2    0    0\n' +
      ' 1:00:04.936   901234     +    0    1    4\t(VT\n',
    );
  });

  it('the time column as the WFDB library formats it', () => {
    const none = { fs: 360 };
    expect(msTimeString(1, 360, none)).toBe('    0:00.003');
    expect(msTimeString(359, 360, none)).toBe('    0:00.997');
    expect(msTimeString(360 * 3600 * 25 + 180, 360, none)).toBe('25:00:00.500');
    expect(msTimeString(-720, 360, { fs: 360, baseMs: 5000 })).toBe('    0:02.000'); // before the start: an interval
    expect(msTimeString(0, 250, { fs: 250, baseMs: 1000 * (23 * 3600 + 59 * 60 + 59) + 999, baseDate: [31, 12, 2023] })).toBe('[23:59:59.999 31/12/2023]');
    expect(msTimeString(1, 1000, { fs: 1000, baseMs: 1000 * (23 * 3600 + 59 * 60 + 59) + 999, baseDate: [31, 12, 2023] })).toBe('[00:00:00.000 01/01/2024]');
  });

  it('bad arguments and files: one line, exit 2 (arguments) or 5 (files)', async () => {
    const dir = writeFiles(tempDir(), { 'r.hea': 'r 1 250 1000\nr.dat 16 200 16 0 0 0 0 I\n' });
    for (const [argv, msg, code] of [
      [[join(dir, 'r')], /expected a record and an annotator, got 1 argument/, 2],
      [[join(dir, 'r'), 'atr', '--bogus'], /unknown option --bogus/, 2],
      [[join(dir, 'r'), '../x'], /bad annotator '\.\.\/x'/, 2],
      [[join(dir, 'r'), 'atr'], new RegExp(`${join(dir, 'r.atr')}: annotation file not found`), 5],
    ] as [string[], RegExp, number][]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
    // No header: rdann's default 250 Hz, with a warning.
    writeFiles(dir, { 'nohea.atr': encodeAnnotations([ann(500, 1)]) });
    const r = await run([join(dir, 'nohea'), 'atr']);
    expect(r.out).toBe('    0:02.000      500     N    0    0    0\n');
    expect(r.err).toMatch(/warning: .*nohea\.hea not readable; times assume 250 Hz/);
  });
});
