/**
 * Runs the bench harness in-process at the tiny size against tfjs-wasm (the fastest peer) and checks
 * that the report has rows with times, speed-up ratios and small cross-check errors, and renders.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.js';
import { markdown, speedup } from '../../bench/table.js';

describe('bench harness (tiny)', () => {
  it('produces rows with ratios and cross-checks', async () => {
    const report = await runBench({ size: 'tiny', peers: ['ecgpu', 'tfjs-wasm'], only: ['gemm', 'conv', 'lrn', 'e2e'], runs: 1, budgetS: 2, archs: ['alexnet'] });
    const rows = report.rows;
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['GEMM 64³', 'conv1 forward', 'conv3 backward-weights', 'LRN (size 5) forward+backward', 'AlexNet forward 67²', 'AlexNet train step 67²']));
    for (const r of rows) {
      expect(r.ecgpu?.timing, `${r.name}: ecgpu ${r.ecgpu?.error ?? r.ecgpu?.na}`).toBeDefined();
      const p = r.peers.find((q) => q.framework === 'tfjs-wasm')!;
      expect(p.timing, `${r.name}: tfjs-wasm ${p.error ?? p.na}`).toBeDefined();
      expect(speedup(r, p)).toBeGreaterThan(0);
      // The cross-check compares the whole output; float32 results of different summation orders agree closely.
      expect(p.check?.n, r.name).toBeGreaterThan(0);
      expect(p.check!.maxRel, `${r.name} max rel ${p.check!.maxRel}`).toBeLessThan(1e-3);
    }
    const train = rows.find((r) => r.name.startsWith('AlexNet train'))!;
    expect(Math.abs(train.ecgpu!.extra!.loss - train.peers[0].extra!.loss)).toBeLessThan(1e-4);
    expect(train.ecgpu!.memory?.liveBytes).toBeGreaterThan(0);
    const md = markdown(report);
    expect(md).toContain('| GEMM 64³ |');
    expect(md).toMatch(/\| conv1 forward \|[^\n]*tfjs-wasm[^\n]*\d×/);
    expect(md).toContain('SwiftShader');
  }, 110_000);
});
