/**
 * What a file says reaches the terminal escaped and cut: NUL bytes, escape sequences, a UTF-16 header
 * read as bytes, bidirectional overrides and a 100 KB header field all end as one readable line (a
 * refusal) or readable summary lines (inspect), never as raw control bytes or a 100 KB line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeControls, FIELD_LIMIT, LINE_LIMIT, printableField, printableLine } from '../../src/ecg/printable.js';
import { EXIT, failure } from '../../src/cli/exit-codes.js';
import { EcgInputError } from '../../src/ecg/types.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { tempDir } from '../ecg/wfdb-fixtures.js';
import { RAW_CONTROL, refusal, runCli } from '../helpers/cli-run.js';

describe('printable text', () => {
  it('escapes C0, DEL, C1, bidi overrides and lone surrogates, and keeps ordinary Unicode', () => {
    expect(escapeControls('a\u0000b\tc\nd\re\u001b[31mf\u007f\u0085\u202eg')).toBe('a\\0b\\tc\\nd\\re\\x1b[31mf\\x7f\\x85\\u202eg');
    expect(escapeControls('µV 10 mm/mV — ÄÖ 心电图 🫀')).toBe('µV 10 mm/mV — ÄÖ 心电图 🫀');
    expect(escapeControls('x\ud800y\udc00z')).toBe('x\\ud800y\\udc00z');
  });

  it('cuts a long field after FIELD_LIMIT characters and says how long it was', () => {
    expect(printableField('x'.repeat(FIELD_LIMIT))).toBe('x'.repeat(FIELD_LIMIT));
    expect(printableField('y'.repeat(100_000))).toBe(`${'y'.repeat(FIELD_LIMIT)}… (100000 characters)`);
    // Code points, not UTF-16 units: an emoji is never split into a lone surrogate.
    const cut = printableField('🫀'.repeat(FIELD_LIMIT + 1));
    expect(cut).toBe(`${'🫀'.repeat(FIELD_LIMIT)}… (${FIELD_LIMIT + 1} characters)`);
  });

  it('a whole line longer than LINE_LIMIT keeps its start and end and says how much was cut', () => {
    const line = printableLine(`start ${'z'.repeat(100_000)} end`);
    expect(line.length).toBeLessThan(LINE_LIMIT + 60);
    expect(line).toMatch(/^start z+ …\[\d+ characters cut\]… z+ end$/);
    expect(printableLine('short\nline')).toBe('short\\nline');
  });

  it("failure(): every error's line is escaped and bounded, whatever threw it", () => {
    const f = failure(new EcgInputError('R\u0000.hea', `bad '${'\u001b'.repeat(50_000)}'`), 'predict');
    expect(f.code).toBe(EXIT.record);
    expect(f.line).not.toMatch(RAW_CONTROL);
    expect(f.line).not.toContain('\n');
    expect(f.line.length).toBeLessThan(LINE_LIMIT + 100);
    expect(f.line).toMatch(/^ecgpu predict: R\\0\.hea: bad '(\\x1b)+/);
    const internal = failure(new Error('boom\u0007\nsecond line'), 'eval');
    expect(internal.code).toBe(EXIT.internal);
    expect(internal.line).toMatch(/^ecgpu eval: internal error: boom\\x07\\nsecond line/);
  });
});

describe('headers with control bytes or huge fields, through the command line', () => {
  let dir: string, record: string, hea: string;
  beforeAll(() => {
    dir = tempDir('ecgpu-text-');
    record = writeRecord(dir, generateRecord(2, 5), 'R1');
    hea = readFileSync(record, 'utf8');
  });
  const variant = (name: string, text: string | Uint8Array) => {
    const p = join(dir, `${name}.hea`);
    writeFileSync(p, text);
    writeFileSync(join(dir, `${name}.mat`), readFileSync(record.replace(/\.hea$/, '.mat')));
    return p;
  };

  it('a lead description with NUL, ESC and a bidi override: inspect prints it escaped', async () => {
    const lines = hea.split('\n');
    lines[1] = lines[1].replace(/ I$/, ' I\u0000\u001b[2J\u202eevil');
    const p = variant('CTRL', lines.join('\n').replace(/\n/g, '\r\n'));
    const r = await runCli('inspect', p, '--to', 's2');
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).not.toMatch(RAW_CONTROL);
    expect(r.err).toContain('I\\0\\x1b[2J\\u202eevil');
  });

  it('a record line of 100 000 characters: one line naming the field and its length', async () => {
    const p = variant('LONG', `R1 ${'9x'.repeat(50_000)} 500 5000\n`);
    const r = await runCli('inspect', p);
    expect(r.code).toBe(EXIT.record);
    const line = refusal(r);
    expect(line.length).toBeLessThan(400);
    expect(line).toMatch(/LONG\.hea: line 1: signal count '(9x)+9?… \(100000 characters\)' is not a number$/);
  });

  it('a header saved as UTF-16 (NUL between the letters): refused without raw bytes, by inspect and predict', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(hea, 'utf16le')]);
    const p = variant('WIDE', utf16);
    for (const args of [['inspect', p], ['predict', p, '--saliency', join(dir, 'w.png')]]) {
      const r = await runCli(...args);
      expect(r.code, r.err).toBe(EXIT.record);
      expect(r.out).toBe('');
      expect(refusal(r)).toMatch(/WIDE\.hea: .*\\0/);
    }
  });

  it('an unknown command or option made of escape sequences is shown escaped', async () => {
    const cmd = await runCli('\u001b]0;pwned\u0007');
    expect(cmd.code).toBe(EXIT.usage);
    expect(refusal(cmd)).toBe("ecgpu: unknown command '\\x1b]0;pwned\\x07' (see ecgpu --help)");
    const opt = await runCli('inspect', record, '--\u001b[31m');
    expect(opt.code).toBe(EXIT.usage);
    expect(refusal(opt)).toBe("ecgpu inspect: unknown option '--\\x1b[31m' (see ecgpu inspect --help)");
    const parsed = await runCli('eval', '--\u001b[31m');
    expect(parsed.code).toBe(EXIT.usage);
    expect(refusal(parsed)).toMatch(/^ecgpu eval: Unknown option '--\\x1b\[31m'/);
  });
});
