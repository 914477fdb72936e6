import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportInput } from '../../src/train/eval/report.js';
import { writeReport } from '../../src/train/eval/report-node.js';
import { figureToPng } from '../../src/train/eval/figure.js';
import { lineChartFigure } from '../../src/train/eval/plots.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { synthetic } from './helpers.js';

const k = CLASS_NAMES.length;
const history = (a: number) => Array.from({ length: 8 }, (_, i) => ({ epoch: i + 1, trainLoss: 2 / (i + a), valLoss: 2.2 / (i + a), trainAcc: 1 - 0.8 / (i + a), valAcc: 0.95 - 0.8 / (i + a), seconds: 12 }));
const dir = mkdtempSync(join(tmpdir(), 'ecgpu-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const salPath = join(dir, 'saliency.png');
writeFileSync(salPath, figureToPng(lineChartFigure([{ name: 's', x: [0, 1], y: [0, 1] }], { width: 60, height: 40 }), 1));

const input: ReportInput = {
  classNames: CLASS_NAMES,
  generatedAt: '2025-01-01T00:00:00Z',
  dataset: { name: 'synthetic', description: 'rendered 12-lead ECG images', splits: { train: 800, val: 300, test: 300 }, classCounts: { test: new Array(k).fill(30) }, facts: { 'image size': '227 × 227' } },
  models: [
    { name: 'AlexNet', parameters: 58_000_000, val: synthetic(300, k, 1, 1.6, 2.5), test: synthetic(300, k, 2, 1.6, 2.5), history: history(1), timings: { train: 321.5, inference: 0.8 } },
    { name: 'AlexNet-M-SE', parameters: 12_000_000, val: synthetic(300, k, 3, 2.0, 2), test: synthetic(300, k, 4, 2.0, 2), history: history(0.7), timings: { train: 400, inference: 1.1 }, saliency: [{ caption: 'Grad-CAM of record 1', path: salPath }] },
  ],
  options: { resamples: 200, seed: 1 },
  notes: ['demo <note> & escaping'],
};

describe('buildReport', () => {
  const r = buildReport(input);
  it('holds the tables, figures and the comparison in one self-contained HTML file', () => {
    const html = r.html;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect((html.match(/<table>/g) ?? []).length).toBeGreaterThan(10);
    for (const n of CLASS_NAMES) expect(html).toContain(n);
    expect(html).toContain('Side-by-side comparison');
    expect(html).toMatch(/\[Test\] loss=\d+\.\d{4} acc=\d\.\d{4}/);
    expect(html).toContain('precision    recall  f1-score   support');
    expect(html).toContain('Temperature');
    expect(html).toContain('Per-class decision thresholds');
    expect((html.match(/<svg /g) ?? []).length).toBe(Object.keys(r.figures).length);
    expect(html).toContain('demo &lt;note&gt; &amp; escaping');
    expect(html).not.toMatch(/<img[^>]*src="(?!data:)/); // nothing external
    expect(html).not.toMatch(/NaN|undefined/);
  });
  it('puts every number in the JSON', () => {
    const j = JSON.parse(JSON.stringify(r.json));
    expect(j.models).toHaveLength(2);
    const m = j.models[0];
    const ev = r.evaluations[0];
    expect(m.test.accuracy).toBe(ev.test.accuracy);
    expect(m.test.confusion).toEqual(ev.test.confusion);
    expect(m.test.perClass).toHaveLength(k);
    expect(m.test.auc.macro).toBe(ev.test.roc.macroAuc);
    expect(m.bootstrap.accuracy.lower).toBeLessThanOrEqual(m.test.accuracy);
    expect(m.calibration.temperature).toBeGreaterThan(0);
    expect(m.thresholds.thresholds).toHaveLength(k);
    expect(m.history).toHaveLength(8);
    expect(m.timings.train).toBe(321.5);
    expect(m.test.roc.perClass[0].thresholds[0]).toBeNull(); // +Infinity → null
    expect(j.dataset.splits.test).toBe(300);
  });
});

describe('writeReport', () => {
  it('writes report.html, results.json and SVG + PNG figures, embedding saliency images', () => {
    const out = join(dir, 'out');
    const w = writeReport(out, input, { pngScale: 1 });
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.models[1].name).toBe('AlexNet-M-SE');
    for (const stem of ['alexnet-confusion', 'alexnet-roc', 'alexnet-m-se-reliability-after', 'alexnet-loss', 'comparison-val-accuracy']) {
      const png = readFileSync(join(out, 'figures', `${stem}.png`));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(readFileSync(join(out, 'figures', `${stem}.svg`), 'utf8')).toContain('<svg');
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo');
    expect(html).toContain('Grad-CAM of record 1');
    expect(w.files.length).toBe(2 + 2 * Object.keys(w.figures).length);
  });
  it('works with a single model and no validation split', () => {
    const r = buildReport({ classNames: ['a', 'b', 'c'], models: [{ name: 'only', test: synthetic(60, 3, 9) }], options: { resamples: 50 } });
    expect(r.html).toContain('No validation logits');
    expect(r.html).not.toContain('Side-by-side');
    expect(Object.keys(r.figures)).toContain('only-reliability');
    expect(() => buildReport({ classNames: ['a', 'b'], models: [{ name: 'bad', test: { labels: [0], logits: [1, 2, 3] } }] })).toThrow(/expected 1 × 2/);
  });
});

describe('buildReport with a held-out test set', () => {
  const held = synthetic(200, k, 9, 2.0, 2);
  const withHeld: ReportInput = { ...input, models: input.models.map((m) => ({ ...m, heldOut: [{ name: 'independent synthetic', description: '200 records', ...held }] })) };
  const r = buildReport(withHeld);
  it('reports its accuracy with a CI, per-class recall and a confusion figure, in HTML and JSON', () => {
    expect(r.html).toContain('Summary (independent synthetic test set)');
    expect(r.html).toContain('lowest class recall');
    expect(Object.keys(r.figures)).toContain('alexnet-m-se-heldout0-confusion');
    const ev = r.evaluations[1].heldOut[0];
    expect(ev.split.n).toBe(200);
    let correct = 0;
    for (let i = 0; i < 200; i++) {
      const row = Array.from(held.logits.slice(i * k, (i + 1) * k));
      if (row.indexOf(Math.max(...row)) === held.labels[i]) correct++;
    }
    expect(ev.split.accuracy).toBeCloseTo(correct / 200, 12);
    expect(ev.bootstrap.accuracy.lower).toBeLessThanOrEqual(ev.split.accuracy);
    const json = (r.json.models as { heldOut: { name: string; n: number; perClass: { recall: number }[] }[] }[])[1].heldOut[0];
    expect(json.name).toBe('independent synthetic');
    expect(json.perClass).toHaveLength(k);
  });
});
