/**
 * Throughput of the ECG data path on synthetic records: generate + write WFDB, scan (worker
 * threads), read + render to 224×224 tensors (cold cache), then again (warm cache).
 *   npx tsx bench/ecg-prepare.ts [perClass=50] [workers=cores]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { buildDataset, prepareSynthetic, renderItems } from '../src/ecg/dataset.js';
import { scanRecords } from '../src/ecg/scan.js';

const perClass = Number(process.argv[2] ?? 50);
const workers = Number(process.argv[3] ?? cpus().length);
const dir = mkdtempSync(join(tmpdir(), 'ecgpu-bench-'));
const FULL = 45_152;
try {
  const t0 = performance.now();
  const paths = prepareSynthetic(join(dir, 'db'), perClass, 1);
  const t1 = performance.now();
  const scan = await scanRecords(join(dir, 'db'), { workers, minParallel: 0, progress: false });
  const t2 = performance.now();
  const ds = buildDataset(scan, { level: 'all', seed: 1 });
  const items = [...ds.train, ...ds.val, ...ds.test];
  const cold = renderItems(items, { cacheDir: join(dir, 'cache') });
  const t3 = performance.now();
  const warm = renderItems(items, { cacheDir: join(dir, 'cache') });
  const t4 = performance.now();
  const n = paths.length;
  const rate = (ms: number) => (n / (ms / 1000)).toFixed(0);
  console.log(`records: ${n} (${cpus().length} cores, ${workers} scan workers)`);
  console.log(`generate+write : ${((t1 - t0) / 1000).toFixed(2)} s  ${rate(t1 - t0)} rec/s`);
  console.log(`scan headers   : ${((t2 - t1) / 1000).toFixed(2)} s  ${rate(t2 - t1)} rec/s (incl. worker start-up)`);
  console.log(`read+render    : ${((t3 - t2) / 1000).toFixed(2)} s  ${rate(t3 - t2)} rec/s (cold cache, ${cold.rendered} rendered)`);
  console.log(`cached tensors : ${((t4 - t3) / 1000).toFixed(2)} s  ${rate(t4 - t3)} rec/s (${warm.cacheHits} hits)`);
  const all = t3 - t0;
  console.log(`end to end     : ${(all / 1000).toFixed(2)} s  ${rate(all)} rec/s`);
  const scanRate = n / ((t2 - t1) / 1000), renderRate = n / ((t3 - t2) / 1000);
  console.log(`estimate for ${FULL} records: scan ${(FULL / scanRate / 60).toFixed(1)} min, read+render ${(FULL / renderRate / 60).toFixed(1)} min (one thread)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
