import { existsSync, mkdtempSync, writeFileSync, utimesSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, loadSplit, perClassTarget, prepareSynthetic, RenderCache, rendererFingerprint, renderItems, saveSplit } from '../../src/ecg/dataset.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { listRecordFiles, scanRecords, type ScanResult } from '../../src/ecg/scan.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';

let root: string, db: string, scan: ScanResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ecgpu-ds-'));
  db = join(root, 'db');
  prepareSynthetic(join(db, 'WFDBRecords', '01', '010'), 6, 5); // 60 records, PhysioNet-like nesting
  // a record with none of the 10 classes (atrial fibrillation only)
  const af = generateRecord(0, 99, { name: 'AF0001' });
  af.header.dx = ['164889003'];
  writeRecord(join(db, 'flat'), af, 'AF0001');
  // a bad record: header names a signal file that is missing
  writeFileSync(join(db, 'flat', 'BAD001.hea'), 'BAD001 12 500 5000\n' + Array.from({ length: 12 }, (_, i) => `BAD001.mat 16+24 1000/mV 16 0 0 0 0 L${i}`).join('\n') + '\n#Dx: 426783006\n');
  scan = await scanRecords(db, { workers: 2, minParallel: 0, progress: false });
});

describe('WFDB writer', () => {
  it('round-trips a synthetic record through readRecord exactly (1 µV steps)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-w-'));
    const rec = generateRecord(5, 3);
    const hea = writeRecord(dir, rec);
    const back = readRecord(hea);
    expect(back.leads).toEqual(rec.leads);
    expect(back.fs).toBe(500);
    expect(back.header.dx).toEqual(rec.header.dx);
    expect(back.header.age).toBe(rec.header.age);
    expect(back.header.sex).toBe(rec.header.sex);
    expect(back.header.signals[0].fileName).toBe(`${rec.header.name}.mat`);
    expect(back.header.signals[0].byteOffset).toBe(24);
    for (let l = 0; l < 12; l++) {
      expect(Array.from(back.digital![l])).toEqual(Array.from(rec.digital![l]));
      expect(back.header.signals[l].checksum).toBe(rec.header.signals[l].checksum);
    }
  });
});

describe('scan + dataset', () => {
  it('scans nested and flat folders in worker threads; reports bad and class-less records', () => {
    expect(listRecordFiles(db)).toHaveLength(62);
    expect(scan.workersUsed).toBe(2);
    expect(scan.records).toHaveLength(61);
    expect(scan.bad).toHaveLength(1);
    expect(scan.bad[0].path).toContain('BAD001.hea');
    expect(scan.bad[0].reason).toMatch(/BAD001\.mat/);
    expect(scan.noClass).toBe(1);
  });

  it('builds a balanced, stratified, seed-reproducible split and saves/loads it', () => {
    const ds = buildDataset(scan, { level: 4, seed: 7 });
    const count = (xs: { label: number }[], c: number) => xs.filter((x) => x.label === c).length;
    for (let c = 0; c < 10; c++) {
      expect(count(ds.train, c) + count(ds.val, c) + count(ds.test, c)).toBe(4);
      expect([2, 3]).toContain(count(ds.train, c));
    }
    // 70/15/15 of the whole 40: split sizes are apportioned over classes (see split-sizes.test.ts).
    expect([ds.train.length, ds.val.length, ds.test.length]).toEqual([28, 6, 6]);
    expect(ds.report.noClass).toBe(1);
    expect(ds.report.bad).toHaveLength(1);
    expect(ds.report.lines.join('\n')).toMatch(/none of the 10 classes/);
    const again = buildDataset(scan, { level: 4, seed: 7 });
    expect(again.train.map((x) => x.path)).toEqual(ds.train.map((x) => x.path));
    const other = buildDataset(scan, { level: 4, seed: 8 });
    expect(other.train.map((x) => x.path)).not.toEqual(ds.train.map((x) => x.path));
    const f = join(root, 'split.json');
    saveSplit(f, ds, db);
    const loaded = loadSplit(f);
    expect(loaded.train).toEqual(ds.train);
    expect(loaded.test).toEqual(ds.test);
  });

  it('takes all records of a short class and says so; presets have the paper sizes', () => {
    const ds = buildDataset(scan, { level: 'paper440', seed: 1 });
    expect(ds.report.short).toHaveLength(10);
    expect(ds.report.taken.every((t) => t === 6)).toBe(true);
    expect(ds.report.lines.join('\n')).toMatch(/only 6 records, fewer than 44/);
    expect(Array.from({ length: 10 }, (_, c) => perClassTarget('paper204', c)).reduce((a, b) => a + b)).toBe(204);
    expect(perClassTarget('paper440', 3)).toBe(44);
    expect(buildDataset(scan, { level: 'all' }).report.taken.reduce((a, b) => a + b)).toBe(60);
  });

  it('renders tensors through the cache (second run renders nothing) and skips unreadable records', () => {
    const ds = buildDataset(scan, { level: 1, seed: 3 });
    const items = [...ds.train, ...ds.val, ...ds.test];
    // corrupt one record's signal file after the scan: reading it fails, it is reported, the rest kept
    const victim = items[0].path.replace(/\.hea$/, '.mat');
    renameSync(victim, victim + '.gone');
    const cacheDir = join(root, 'cache');
    const opts = { cacheDir, width: 64, height: 64, channels: 1 as const };
    const first = renderItems(items, opts);
    expect(first.bad).toHaveLength(1);
    expect(first.bad[0].reason).toMatch(/not found/);
    expect(first.shape).toEqual([9, 1, 64, 64]);
    expect(first.rendered).toBe(9);
    const second = renderItems(items, opts);
    expect(second.cacheHits).toBe(9);
    expect(second.rendered).toBe(0);
    expect(Buffer.from(second.data.buffer).equals(Buffer.from(first.data.buffer))).toBe(true);
    // touching a record invalidates its entry; other options are other entries
    utimesSync(items[1].path.replace(/\.hea$/, '.mat'), new Date(), new Date(Date.now() + 5000));
    expect(renderItems(items, opts).rendered).toBe(1);
    expect(renderItems(items, { ...opts, width: 32 }).rendered).toBe(9);
  });

  it('never serves a tensor another version of the renderer drew: the key holds the renderer\'s fingerprint', () => {
    const ds = buildDataset(scan, { level: 1, seed: 3 });
    const item = [...ds.train, ...ds.val].find((it) => existsSync(it.path.replace(/\.hea$/, '.mat')))!; // the test above removed one
    const cacheDir = join(root, 'cache-fingerprint');
    const opts = { width: 64, height: 32, layout: 'lead-channels' as const, channels: 13, rhythmPlane: true };
    // An entry as an older renderer would have left it: same record, same options, another drawing.
    const old = new RenderCache(cacheDir, () => 'an-older-renderer');
    old.put(old.key(item.path, opts), new Float32Array(13 * 64 * 32).fill(0.5));
    const now = renderItems([item], { ...opts, cacheDir });
    expect(now.cacheHits).toBe(0);
    expect(now.rendered).toBe(1);
    expect(now.data.some((v) => v !== 0.5)).toBe(true);
    expect(renderItems([item], { ...opts, cacheDir }).cacheHits).toBe(1);
    // The fingerprint is deterministic, and follows what is drawn: the rhythm plane changes it.
    expect(rendererFingerprint(opts)).toBe(rendererFingerprint({ ...opts }));
    expect(rendererFingerprint(opts)).not.toBe(rendererFingerprint({ ...opts, rhythmPlane: false, channels: 12 }));
  });
});
