/** The stratified split's totals are the requested fractions of the whole set, as the paper's 70/15/15. */
import { describe, expect, it } from 'vitest';
import { apportion, buildDataset } from '../../src/ecg/dataset.js';
import type { ScanResult } from '../../src/ecg/scan.js';

function fakeScan(perClass: number[]): ScanResult {
  const records = perClass.flatMap((n, cls) => Array.from({ length: n }, (_, i) => ({ path: `/r/c${cls}_${i}.hea`, classes: [cls] })));
  return { root: '/r', records, bad: [], noClass: 0, workersUsed: 0, elapsedMs: 0 } as unknown as ScanResult;
}

describe('split sizes', () => {
  it('440 balanced records split 308/66/66, each class 30–32/6–7/6–7', () => {
    const ds = buildDataset(fakeScan(new Array(10).fill(44)), { level: 'paper440', seed: 3 });
    expect([ds.train.length, ds.val.length, ds.test.length]).toEqual([308, 66, 66]);
    for (let c = 0; c < 10; c++) {
      const n = (xs: typeof ds.train) => xs.filter((x) => x.label === c).length;
      expect(n(ds.val) + n(ds.test) + n(ds.train)).toBe(44);
      expect(n(ds.val) + n(ds.test)).toBeLessThanOrEqual(14);
      expect(n(ds.val) + n(ds.test)).toBeGreaterThanOrEqual(12);
    }
  });
  it('204 records split 143/31/30 (the paper: 64 test records over two runs is consistent with ~30)', () => {
    const ds = buildDataset(fakeScan(new Array(10).fill(30)), { level: 'paper204', seed: 1 });
    expect(ds.train.length + ds.val.length + ds.test.length).toBe(204);
    expect(ds.val.length).toBe(Math.round(204 * 0.15));
    expect(ds.test.length).toBe(Math.round(204 * 0.15));
  });
  it('apportion gives each class floor or ceil of its share and the rounded total', () => {
    const sizes = [44, 7, 1, 30, 0, 13];
    const got = apportion(sizes, 0.15);
    expect(got.reduce((a, b) => a + b, 0)).toBe(Math.round(95 * 0.15));
    got.forEach((g, i) => expect(Math.abs(g - sizes[i] * 0.15)).toBeLessThan(1));
  });
});
