/**
 * The bench's arithmetic-ceiling rows: `npm run bench` (ceiling on) puts the FMA-chain probe first and
 * gives each row with FLOPs its share of it in the same run; a run without it (the demo's Bench page)
 * has neither the rows nor the column.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.js';
import { ceilingGflops, headline, markdown, type Report, type RowResult } from '../../bench/table.js';

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

  it('give the training steps their share of both probes in the headline', () => {
    const timing = (ms: number) => ({ runs: [ms], medianMs: ms, minMs: ms, warmupMs: ms });
    const row = (group: string, section: RowResult['section'], name: string, gflop: number, ms: number): RowResult =>
      ({ section, group, name, shape: '', flops: gflop * 1e9, peers: [], ecgpu: { framework: 'ecgpu', timing: timing(ms) } });
    const report = { meta: {} as Report['meta'], rows: [
      row('ceiling', 'kernels', 'FMA ceiling (8 vec4 chains)', 4, 100), // 40 GFLOP/s
      row('ceiling', 'kernels', 'FMA, 1 step per loop iteration', 0.5, 50), // 10 GFLOP/s
      row('default', 'e2e', 'AlexNet-M-SE train step', 2, 500), // 4 GFLOP/s
    ] };
    expect(ceilingGflops(report.rows)).toBe(40);
    expect(headline(report)[0]).toBe("- arithmetic ceiling (FMA-chain probe, same run): 40.00 GFLOP/s; training steps at AlexNet-M-SE train step 10% (40% of the 1-step-per-iteration probe's 10.00) of it");
  });
});
