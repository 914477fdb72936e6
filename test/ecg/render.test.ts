import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Canvas } from '../../src/image/raster.js';
import { removeBaselineWander, resample, prepareRecord } from '../../src/ecg/preprocess.js';
import { renderRecord, renderToTensorData } from '../../src/ecg/render.js';
import { writeRenderPng } from '../../src/ecg/render-node.js';
import { generateRecord } from '../../src/ecg/synthetic.js';

describe('raster canvas', () => {
  it('draws anti-aliased strokes with partial coverage at the edges and no darkening at joints', () => {
    const c = new Canvas(20, 20);
    c.polyline([2, 10, 18], [10.3, 10.3, 10.3], 1.5);
    c.stroke([0, 0, 0]);
    const at = (x: number, y: number) => c.data[y * 20 + x];
    expect(at(10, 10)).toBeLessThan(0.05); // centre of the stroke: ink
    const edge = at(10, 11);
    expect(edge).toBeGreaterThan(0.05); // partly covered
    expect(edge).toBeLessThan(0.95);
    expect(at(10, 15)).toBe(1); // untouched
    expect(at(10, 10)).toBeCloseTo(at(5, 10), 5); // joint no darker than the segment
  });
});

describe('preprocess', () => {
  it('removes baseline wander but keeps a step-free signal and the QRS', () => {
    const fs = 500, n = 5000, x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 0.2 * i) / fs) + (i % 400 < 5 ? 1 : 0);
    const y = removeBaselineWander(x, fs);
    let drift = 0;
    for (let i = 0; i < n; i++) if (i % 400 > 50 && i % 400 < 350) drift = Math.max(drift, Math.abs(y[i]));
    expect(drift).toBeLessThan(0.12);
    expect(y[800]).toBeGreaterThan(0.7);
  });

  it('resamples and crops/pads to 10 s (PTB 1000 Hz long, CPSC short records)', () => {
    expect(resample(new Float32Array(1000).fill(1), 1000, 500)).toHaveLength(500);
    const long = generateRecord(0, 1, { fs: 1000, seconds: 20 });
    const p = prepareRecord(long, { fs: 500, seconds: 10 });
    expect(p.signals[0]).toHaveLength(5000);
    const short = generateRecord(0, 1, { seconds: 6 });
    const q = prepareRecord(short, { seconds: 10 });
    expect(q.signals[0]).toHaveLength(5000);
    expect(q.signals[0][4999]).toBe(0);
  });
});

describe('render', () => {
  const rec = generateRecord(3, 11);

  it('renders the 12-lead layout at 224×224 (default) as CHW float data in [0, 1]', () => {
    const t3 = renderToTensorData(rec);
    expect(t3).toHaveLength(3 * 224 * 224);
    let mn = 1, mx = 0, dark = 0;
    for (const v of t3) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
    expect(mn).toBeGreaterThanOrEqual(0);
    expect(mx).toBeLessThanOrEqual(1);
    expect(mx).toBe(1); // white paper
    const g = renderToTensorData(rec, { channels: 1 });
    expect(g).toHaveLength(224 * 224);
    for (const v of g) if (v < 0.3) dark++;
    // traces: visible but a small fraction of the page
    expect(dark).toBeGreaterThan(800);
    expect(dark).toBeLessThan(0.25 * 224 * 224);
  });

  it('matches renderRecord pixels and is deterministic', () => {
    const img = renderRecord(rec, { width: 300, height: 200 });
    expect(img.rgba).toHaveLength(300 * 200 * 4);
    const t = renderToTensorData(rec, { width: 300, height: 200 });
    let diff = 0;
    for (let i = 0; i < 300 * 200; i++) diff = Math.max(diff, Math.abs(Math.round(t[i] * 255) - img.rgba[4 * i]));
    expect(diff).toBe(0);
    expect(Buffer.from(renderRecord(rec, { width: 300, height: 200 }).rgba).equals(Buffer.from(img.rgba))).toBe(true);
  });

  it('draws a pink grid (red > green) on large renders, and the stacked layout', () => {
    const img = renderRecord(rec, { width: 1100, height: 850 });
    let pink = 0;
    for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i] > 200 && img.rgba[i + 1] < 200) pink++;
    expect(pink).toBeGreaterThan(0.05 * 1100 * 850);
    const st = renderRecord(rec, { layout: 'stacked', width: 400, height: 600 });
    expect(st.width).toBe(400);
    expect(st.height).toBe(600);
  });

  it('writes a PNG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-render-'));
    const f = join(dir, 'r.png');
    writeRenderPng(f, rec, { width: 320, height: 240 });
    const b = readFileSync(f);
    expect([...b.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(b.readUInt32BE(16)).toBe(320);
    expect(b.readUInt32BE(20)).toBe(240);
    // IDAT inflates to (1 + 3·w)·h bytes
    const len = b.readUInt32BE(33);
    expect(inflateSync(b.subarray(41, 41 + len)).length).toBe((1 + 3 * 320) * 240);
  });
});
