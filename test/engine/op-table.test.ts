/**
 * Every op in the op table, driven by the table itself:
 *  1. the GPU forward against the float64 TypeScript reference on each listed shape (random + edge);
 *  2. the GPU backward against central finite differences of the float64 reference forward, for a
 *     loss L = sum(out · R) with a fixed random R. Tolerances are stated per op (defaults in
 *     src/testing/op-check.ts, which test/browser/kernels-in-chromium.test.ts runs in Chromium too).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { opTable, type OpSpec } from '../../src/autograd/op.js';
import '../../src/autograd/index.js';
import { caseLabel, checkForward, checkGradient, gradCasesOf } from '../../src/testing/op-check.js';

beforeAll(async () => {
  await gpu();
});

for (const op of opTable as OpSpec<unknown>[]) {
  describe(op.name, () => {
    for (const [k, c] of op.cases.entries()) {
      it(`forward matches reference: ${caseLabel(c)}`, async () => {
        const r = await checkForward(op, c, k);
        expect(r.gotShape).toEqual(r.wantShape);
        expect(r.valuesOk, `max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
      });
    }
    for (const [k, c] of gradCasesOf(op).entries()) {
      it(`gradient matches finite differences: ${caseLabel(c)}`, async () => {
        for (const r of await checkGradient(op, c, k)) {
          expect(r.ok, `input ${r.input}: max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
        }
      });
    }
  });
}
