/** The benchmark.js benches of the ECG data path run and report rates (short sampling: a smoke run). */
import { describe, expect, it } from 'vitest';
import { ecgMarkdown, runEcgBenches } from '../../bench/cases/ecg.js';

describe('ECG data-path benches (benchmark.js)', () => {
  it('measures every row with a margin of error, cache hits faster than rendering', () => {
    const rows = runEcgBenches({ maxTimeS: 0.5 });
    expect(rows.map((r) => r.name)).toHaveLength(8);
    for (const r of rows) {
      expect(Number.isFinite(r.recordsPerS) && r.recordsPerS > 0, r.name).toBe(true);
      expect(Number.isFinite(r.rmePct), r.name).toBe(true);
      expect(r.samples, r.name).toBeGreaterThanOrEqual(5);
    }
    const rate = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!.recordsPerS;
    expect(rate('dataset preparation: render cache hits')).toBeGreaterThan(rate('dataset preparation: read + render'));
    expect(ecgMarkdown(rows).split('\n')).toHaveLength(10);
  }, 120_000);
});
