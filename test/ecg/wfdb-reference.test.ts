/**
 * `ecgpu inspect` and `ecgpu annotations` against the reference WFDB tools: for every record of
 * wfdb-reference-cases.ts (formats 8/24/32/61/160/310/311, samples per frame, skew, two files,
 * segments, units, annotation files) and for the FLAC records libFLAC wrote (wfdb-reference/flac/),
 * the output rdsamp / rdann printed (test/ecg/wfdb-reference/, made by scripts/wfdb-references.ts)
 * must be reproduced byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotationsCommand } from '../../src/cli/annotations.js';
import { inspectCommand } from '../../src/cli/inspect.js';
import { referenceName } from '../../scripts/wfdb-references.js';
import { FLAC_INSPECT, flacCases, referenceCases } from './wfdb-reference-cases.js';
import { tempDir, writeFiles } from './wfdb-fixtures.js';

const refDir = fileURLToPath(new URL('./wfdb-reference', import.meta.url));

async function capture(run: (io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>) {
  let out = '', err = '';
  const code = await run({ out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('parity with rdsamp and rdann', () => {
  for (const c of referenceCases()) {
    it(c.name, async () => {
      const dir = writeFiles(tempDir(), c.files);
      for (const args of c.inspect) {
        const r = await capture((io) => inspectCommand([join(dir, c.record), ...args], io));
        expect(r.err, `${c.name} ${args.join(' ')}`).not.toMatch(/ecgpu inspect:/);
        expect(r.code).toBe(0);
        expect(r.out, `${c.name} ${args.join(' ')}`).toBe(readFileSync(join(refDir, referenceName(c.name, args)), 'utf8'));
      }
      for (const [record, ext] of c.annotations ?? []) {
        const r = await capture((io) => annotationsCommand([join(dir, record), ext], io));
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(r.out, `${record}.${ext}`).toBe(readFileSync(join(refDir, `${record}.${ext}.rdann.txt`), 'latin1'));
      }
    });
  }

  for (const c of flacCases()) {
    it(`${c.name} (FLAC, written by libFLAC through xform)`, async () => {
      for (const args of FLAC_INSPECT) {
        const r = await capture((io) => inspectCommand([join(refDir, 'flac', c.name), ...args], io));
        expect(r.err).not.toMatch(/ecgpu inspect:/);
        expect(r.out, `${c.name} ${args.join(' ')}`).toBe(readFileSync(join(refDir, referenceName(c.name, args)), 'utf8'));
      }
    });
  }
});
