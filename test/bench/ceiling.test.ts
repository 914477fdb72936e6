/**
 * The bench's arithmetic-ceiling rows: `npm run bench` (ceiling on) puts the FMA-chain probe first and
 * gives each row with FLOPs its share of it in the same run; a run without it (the demo's Bench page)
 * has neither the rows nor the column.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.js';
import { ceilingGflops, headline, markdown } from '../../bench/table.js';

describe('bench ceiling rows (tiny)', () => {
  it('come first, rate the GEMM row, and appear only when asked for', async () => {
    const report = await runBench({ size: 'tiny', peers: ['ecgpu'], only: ['gemm'], runs: 1, budgetS: 1, ceiling: true });
    expect(report.rows.map((r) => r.group)).toEqual(['ceiling', 'ceiling', 'gemm']);
    for (const r of report.rows) expect(r.ecgpu?.timing, `${r.name}: ${r.ecgpu?.error ?? r.ecgpu?.na}`).toBeDefined();
    const ceiling = ceilingGflops(report.rows)!;
    const gflops = report.rows.map((r) => r.flops / r.ecgpu!.timing!.medianMs / 1e6);
    expect(ceiling).toBe(Math.max(gflops[0], gflops[1]));
    const md = markdown(report);
    expect(md).toContain('| case | shape | ecgpu ms | ecgpu GFLOP/s | ecgpu % of ceiling | peer |');
    const pct = Math.round((100 * gflops[2]) / ceiling);
    expect(md).toMatch(new RegExp(`\\| GEMM 64³ \\|[^\\n]*\\| ${pct}% \\|`));
    expect(headline(report)[0]).toContain(`arithmetic ceiling (FMA-chain probe, same run): ${ceiling.toFixed(2)} GFLOP/s`);

    const plain = await runBench({ size: 'tiny', peers: ['ecgpu'], only: ['gemm'], runs: 1, budgetS: 1 });
    expect(plain.rows.map((r) => r.group)).toEqual(['gemm']);
    expect(markdown(plain)).toContain('| case | shape | ecgpu ms | ecgpu GFLOP/s | peer |');
  }, 120_000);
});
