/**
 * `prepare` reads and renders every selected record before it saves the split: records that pass the
 * header scan but cannot be drawn are listed with their reason and replaced, so the split it prints and
 * saves is exactly what trains. Several --data folders make one database.
 */
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSplit, prepareSynthetic } from '../../src/ecg/dataset.js';
import { PRESETS } from '../../src/train/presets.js';
import { prepareData } from '../../src/train/prepare.js';
import { tempDir } from '../ecg/wfdb-fixtures.js';

let a: string, b: string;
beforeAll(() => {
  process.env.ECGPU_CACHE = tempDir('ecgpu-cache-');
  a = tempDir('ecgpu-db-a-');
  b = tempDir('ecgpu-db-b-');
  prepareSynthetic(a, 2, 5);
  prepareSynthetic(b, 1, 9);
  // Two records of folder b pass the scan (header fine, signal file present) but fail when read or drawn.
  const hea = readFileSync(join(b, 'SYN4_00000.hea'), 'utf8');
  writeFileSync(join(b, 'TRUNC.hea'), hea.replace(/SYN4_00000/g, 'TRUNC'));
  copyFileSync(join(b, 'SYN4_00000.mat'), join(b, 'TRUNC.mat'));
  truncateSync(join(b, 'TRUNC.mat'), 1000);
  const lines = hea.replace(/SYN4_00000/g, 'FAST').split('\n');
  lines[0] = lines[0].replace(/^(\S+ \d+ )\d+/, '$11e9');
  writeFileSync(join(b, 'FAST.hea'), lines.join('\n'));
  copyFileSync(join(b, 'SYN4_00000.mat'), join(b, 'FAST.mat'));
});

describe('prepare validates before it splits', () => {
  it('lists what fails at render time, and prints and saves only what trains', async () => {
    const out = tempDir('ecgpu-run-');
    const log: string[] = [];
    const d = await prepareData({ data: [a, b], out, level: 'all', seed: 1, render: PRESETS.tiny.render, progress: false, log: (l) => log.push(l) });
    expect(d.roots).toEqual([a, b]);
    const counts = [d.train.count, d.val.count, d.test.count];
    expect(counts.reduce((x, y) => x + y)).toBe(30); // 20 + 10 good records; TRUNC and FAST left out
    expect(log).toContain(`dataset all (seed 1): ${counts[0]} train / ${counts[1]} val / ${counts[2]} test`);
    for (const part of [d.train, d.val, d.test]) expect(part.batch.bad).toEqual([]);
    const reasons = d.dataset.report.bad.map((x) => x.reason).join('\n');
    expect(reasons).toMatch(/TRUNC\.mat: .*truncated/);
    // Refused as 5 µs long by the quality checks, or for its rate by the renderer: one line either way.
    expect(reasons).toMatch(/FAST\.hea: (record is 0\.0000050 s long|sampling frequency 1000000000 Hz is outside)/);
    expect(log.join('\n')).toMatch(/2 records skipped as unreadable:\n.*\n.*/);
    const saved = loadSplit(d.splitFile);
    expect([saved.train.length, saved.val.length, saved.test.length]).toEqual(counts);
    expect([...saved.train, ...saved.val, ...saved.test].map((x) => x.path).filter((p) => /TRUNC|FAST/.test(p))).toEqual([]);
    expect(saved.train.map((x) => x.path)).toEqual(d.train.batch.items.map((x) => x.path));
  });
});
