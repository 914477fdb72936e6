import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { figureToPng, figureToSvg, rasterizeFigure, dashPolyline, type Figure } from '../../src/train/eval/figure.js';
import { confusionMatrixFigure, lineChartFigure, niceTicks, reliabilityFigure, rocFigure } from '../../src/train/eval/plots.js';
import { glyph, hasGlyph, measureText } from '../../src/train/eval/font.js';
import { confusionMatrix, argmax, multiclassRoc, softmax } from '../../src/train/eval/metrics.js';
import { reliability } from '../../src/train/eval/calibration.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { synthetic } from './helpers.js';

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d));

/** Decodes our own 8-bit RGB, non-interlaced PNGs (filter type 0 rows) back to pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIG);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8, width = 0, height = 0;
  const idat: Uint8Array[] = [];
  while (o < png.length) {
    const len = dv.getUint32(o), type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (type === 'IHDR') { width = dv.getUint32(o + 8); height = dv.getUint32(o + 12); expect(png[o + 16]).toBe(8); expect(png[o + 17]).toBe(2); }
    if (type === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 3 + 1)]).toBe(0);
    rgb.set(raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)), y * width * 3);
  }
  return { width, height, rgb };
}

const k = 10, data = synthetic(400, k, 3, 2);
const probs = softmax(data.logits, k);
const cm = confusionMatrix(data.labels, argmax(data.logits, k), k);

describe('font', () => {
  it('has a glyph for every printable ASCII character', () => {
    for (let c = 33; c < 127; c++) {
      const ch = String.fromCharCode(c);
      expect(hasGlyph(ch), ch).toBe(true);
      expect(glyph(ch).cells.length, ch).toBeGreaterThan(0);
    }
    expect(glyph(' ').cells.length).toBe(0);
    expect(hasGlyph('\u4e00')).toBe(false);
    expect(glyph('\u4e00').cells.length).toBe(20); // unknown characters draw as a 5×7 box
    expect(measureText('abc', 10)).toBeCloseTo(17 * (7.2 / 7), 10);
  });
});

describe('rasteriser', () => {
  it('draws rectangles, lines and text where the figure says', () => {
    const fig: Figure = {
      width: 40, height: 20, prims: [
        { t: 'rect', x: 0, y: 0, w: 10, h: 10, fill: '#ff0000' },
        { t: 'line', points: [20, 15, 39, 15], stroke: '#0000ff', width: 2 },
        { t: 'text', x: 20, y: 8, text: 'H', size: 10, color: '#000000' },
      ],
    };
    const r = rasterizeFigure(fig, 2);
    expect([r.width, r.height]).toEqual([80, 40]);
    const px = (x: number, y: number) => [...r.pixels.subarray((y * r.width + x) * 3, (y * r.width + x) * 3 + 3)];
    expect(px(5, 5)).toEqual([255, 0, 0]);
    expect(px(25, 25)).toEqual([255, 255, 255]);
    expect(px(60, 30)).toEqual([0, 0, 255]);
    // 'H': left stem at x = 40..~42, rows from cap top (8 − 7.2)·2 to the baseline 16.
    expect(px(40, 10)[0]).toBeLessThan(60);
    expect(px(46, 10)).toEqual([255, 255, 255]); // gap between the stems above the bar
  });
  it('splits dashed lines', () => {
    const parts = dashPolyline([0, 0, 10, 0], [2, 3]);
    expect(parts.length).toBe(2);
    expect(parts[0]).toEqual([0, 0, 2, 0]);
    expect(parts[1]).toEqual([5, 0, 7, 0]);
  });
  it('picks round ticks', () => {
    expect(niceTicks(0, 1, 5).ticks.map((v) => +v.toFixed(6))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.31, 2.2, 5).ticks.map((v) => +v.toFixed(6))).toEqual([0.5, 1, 1.5, 2]);
  });
});

describe('figures', () => {
  const figs: Record<string, Figure> = {
    confusion: confusionMatrixFigure(cm, CLASS_NAMES),
    normalized: confusionMatrixFigure(cm, CLASS_NAMES, { normalize: true }),
    roc: rocFigure(multiclassRoc(data.labels, probs, k), { classNames: CLASS_NAMES }),
    reliability: reliabilityFigure(reliability(probs, data.labels, k)),
    line: lineChartFigure([{ name: 'train', x: [1, 2, 3], y: [1, 0.5, 0.3] }, { name: 'val', x: [1, 2, 3], y: [1.1, 0.7, 0.6], dash: [4, 2] }], { title: 'Loss', xLabel: 'Epoch', yLabel: 'Loss' }),
  };
  it('render as SVG with text, shapes and class names', () => {
    for (const [name, f] of Object.entries(figs)) {
      const svg = figureToSvg(f);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(svg).toContain(`viewBox="0 0 ${f.width} ${f.height}"`);
      expect(svg).toMatch(/<text [^>]*>/);
      expect(svg).not.toMatch(/NaN|undefined/);
    }
    const cmSvg = figureToSvg(figs.confusion);
    for (const n of CLASS_NAMES) expect(cmSvg).toContain(`>${n}</text>`);
    expect(cmSvg).toContain('>Predicted label</text>');
    expect(cmSvg.match(/<rect /g)!.length).toBeGreaterThanOrEqual(100);
    expect(cmSvg).toContain(`>${cm[0][0]}</text>`);
    const rocSvg = figureToSvg(figs.roc);
    expect(rocSvg.match(/<polyline /g)!.length).toBeGreaterThanOrEqual(k + 3);
    expect(rocSvg).toMatch(/micro-average \(AUC 0\.\d{3}\)/);
    expect(rocSvg).toMatch(/macro-average \(AUC 0\.\d{3}\)/);
    expect(rocSvg).toContain('stroke-dasharray');
    expect(figureToSvg(figs.reliability)).toMatch(/ECE = \d+\.\d\d%/);
  });
  it('render as valid PNGs at 2× with visible content', () => {
    for (const [name, f] of Object.entries(figs)) {
      const png = figureToPng(f, 2, deflate);
      const { width, height, rgb } = decodePng(png);
      expect([width, height], name).toEqual([Math.round(f.width * 2), Math.round(f.height * 2)]);
      let dark = 0;
      for (let i = 0; i < rgb.length; i += 3) if (rgb[i] + rgb[i + 1] + rgb[i + 2] < 200) dark++;
      expect(dark, name).toBeGreaterThan(500);
    }
    // The stored-deflate default (no zlib) is valid too.
    expect(decodePng(figureToPng(figs.line)).width).toBe(figs.line.width * 2);
  });
});
