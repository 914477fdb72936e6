/**
 * CPU-side benches of the ECG data path with benchmark.js (its sampling and statistics: records/s with
 * the relative margin of error at 95 %), on synthetic 12-lead records (10 s at 500 Hz) written to a
 * temporary folder as WFDB (.hea + .mat) and as a Chapman-style CSV. GPU timings stay on timestamp
 * queries (bench/cases/kernels.ts); nothing here touches the GPU.
 *
 *   npm run bench -- --only ecg [--budget S]   (S: seconds of sampling per bench, default 10 → capped at 3)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Benchmark from 'benchmark';
import { parseChapmanCsv } from '../../src/ecg/csv.js';
import { renderItems, type DatasetItem } from '../../src/ecg/dataset.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { renderToTensorData } from '../../src/ecg/render.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { decodeRecord } from '../../src/ecg/wfdb-signals.js';
import { parseHeader } from '../../src/ecg/wfdb-header.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { PRESETS } from '../../src/train/presets.js';
import { NUM_CLASSES, STANDARD_LEADS } from '../../src/ecg/types.js';

export interface EcgBenchRow {
  name: string;
  /** Records per second (benchmark.js's hz × records per call). */
  recordsPerS: number;
  /** Relative margin of error of the mean, percent (95 %). */
  rmePct: number;
  samples: number;
}

/** A CSV of the record's leads in µV, one row per sample, with a header row of lead names. */
function chapmanCsv(signals: Float32Array[]): string {
  const rows = [STANDARD_LEADS.join(',')];
  for (let i = 0; i < signals[0].length; i++) rows.push(signals.map((s) => Math.round(s[i] * 1000)).join(','));
  return rows.join('\n') + '\n';
}

export function runEcgBenches(opts: { maxTimeS?: number; log?: (line: string) => void } = {}): EcgBenchRow[] {
  const log = opts.log ?? (() => {});
  const maxTime = Math.max(0.5, Math.min(opts.maxTimeS ?? 3, 3));
  const dir = mkdtempSync(join(tmpdir(), 'ecgpu-ecg-bench-'));
  try {
    const records = Array.from({ length: NUM_CLASSES }, (_, cls) => generateRecord(cls, 7 + cls, { name: `B${cls}` }));
    const items: DatasetItem[] = records.map((r, cls) => ({ path: writeRecord(dir, r, `B${cls}`), label: cls, classes: [cls] }));
    const hea = readFileSync(join(dir, 'B0.hea'), 'utf8');
    const files = new Map([['B0.mat', new Uint8Array(readFileSync(join(dir, 'B0.mat')))]]);
    const csv = chapmanCsv(records[0].signals);
    writeFileSync(join(dir, 'B0.csv'), csv);
    const quick = PRESETS.quick.render, paper = PRESETS.paper.render;
    const cacheDir = join(dir, 'cache');
    renderItems(items, { ...quick, cacheDir }); // fill the cache for the warm row
    let seed = 0, sink = 0;
    // [name, records per call, function]
    const cases: [string, number, () => void][] = [
      ['WFDB parse in memory (.hea + .mat, 12×5000)', 1, () => { sink += decodeRecord(parseHeader(hea, 'B0.hea'), files, 'B0').signals.length; }],
      ['WFDB read from disk (readRecord)', 1, () => { sink += readRecord(items[0].path).signals.length; }],
      ['Chapman CSV parse (12×5000)', 1, () => { sink += parseChapmanCsv(csv, 'B0.csv').signals.length; }],
      ['synthetic record (generateRecord)', 1, () => { sink += generateRecord(seed % NUM_CLASSES, seed++).signals.length; }],
      [`render ${quick.width}×${quick.height} ${quick.layout} ×${quick.channels} (quick)`, 1, () => { sink += renderToTensorData(records[seed++ % NUM_CLASSES], quick).length; }],
      [`render ${paper.width}×${paper.height} ${paper.layout} ×${paper.channels} (paper)`, 1, () => { sink += renderToTensorData(records[seed++ % NUM_CLASSES], paper).length; }],
      [`dataset preparation: read + render (quick), ${items.length} records`, items.length, () => { sink += renderItems(items, quick).rendered; }],
      [`dataset preparation: render cache hits (quick), ${items.length} records`, items.length, () => { sink += renderItems(items, { ...quick, cacheDir }).cacheHits; }],
    ];
    const rows: EcgBenchRow[] = [];
    for (const [name, perCall, fn] of cases) {
      const b = new Benchmark(name, fn, { maxTime, minSamples: 5, initCount: 1 });
      b.run();
      if (b.error) throw new Error(`${name}: ${(b.error as Error).message ?? b.error}`);
      const row = { name, recordsPerS: b.hz * perCall, rmePct: b.stats.rme, samples: b.stats.sample.length };
      rows.push(row);
      log(`  ${name.padEnd(58)} ${formatRate(row.recordsPerS).padStart(9)} rec/s ±${row.rmePct.toFixed(1)}% (${row.samples} samples)`);
    }
    if (sink < 0) log(String(sink)); // keeps the results observable so no call is optimised away
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const formatRate = (r: number) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2));

export function ecgMarkdown(rows: EcgBenchRow[]): string {
  const lines = ['| ECG data path (CPU, benchmark.js) | records/s | ± (95 %) | samples |', '|---|--:|--:|--:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${formatRate(r.recordsPerS)} | ${r.rmePct.toFixed(1)} % | ${r.samples} |`);
  return lines.join('\n');
}
