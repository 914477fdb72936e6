/**
 * Time per record of measureRecord (src/ecg/measurements.ts) on 10-s, 12-lead, 500-Hz records:
 * synthetic ones (every class) and, when ../shared/data/ptb-xl is beside the checkout, PTB-XL's.
 * One untimed pass warms the JIT; then `passes` timed passes: wall time per record (median, mean, 90th
 * percentile) and the process's CPU time per record (user + system over the timed passes), which a
 * machine shared with other work inflates less than wall time.
 *   npx tsx bench/measurements.ts [passes=5]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureRecord } from '../src/ecg/measurements.js';
import { readRecord } from '../src/ecg/read-record.js';
import { generateRecord } from '../src/ecg/synthetic.js';
import type { EcgRecord } from '../src/ecg/types.js';

const passes = Number(process.argv[2] ?? 5);

function timeRecords(name: string, records: EcgRecord[]): void {
  for (const r of records) measureRecord(r);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let p = 0; p < passes; p++) {
    for (const r of records) {
      const t0 = performance.now();
      measureRecord(r);
      times.push(performance.now() - t0);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const p90 = times[Math.floor(0.9 * times.length)];
  console.log(`${name}: ${records.length} records × ${passes} passes: median ${times[times.length >> 1].toFixed(2)} ms, mean ${mean.toFixed(2)} ms, 90th percentile ${p90.toFixed(2)} ms wall; CPU ${cpuMs.toFixed(2)} ms per record`);
}

const synthetic: EcgRecord[] = [];
for (let cls = 0; cls < 10; cls++) for (let seed = 1; seed <= 10; seed++) synthetic.push(generateRecord(cls, seed));
timeRecords('synthetic (10 classes × 10 seeds)', synthetic);

const ptbxl = join(import.meta.dirname ?? '.', '../../shared/data/ptb-xl');
if (existsSync(join(ptbxl, 'MANIFEST.tsv'))) {
  const [head, ...rows] = readFileSync(join(ptbxl, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const file = head.split('\t').indexOf('file');
  timeRecords('PTB-XL (../shared/data/ptb-xl)', rows.slice(0, 100).map((row) => readRecord(join(ptbxl, row.split('\t')[file]))));
}
