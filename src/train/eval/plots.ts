/**
 * The evaluation figures as `Figure`s (render with figureToSvg / figureToPng): confusion matrix
 * (counts or row-normalised), ROC curves (per class, micro, macro, chance diagonal, AUC legend),
 * reliability diagram (with confidence histogram) and line charts for the training history.
 */
import { measureText } from './font.js';
import { formatFixed, formatTick } from './format.js';
import type { Figure, Prim } from './figure.js';
import type { MulticlassRoc } from './metrics.js';
import type { Reliability } from './calibration.js';

/** matplotlib's tab10. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const AXIS = '#333333', GRID = '#e6e6e6', TEXT = '#222222';
const GAP_FILL = '#f4a6a6';
const FS = 11, FS_SMALL = 10, FS_TITLE = 13;

/** matplotlib "Blues" sampled at 9 stops; t in [0, 1]. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
export function blues(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x)), f = x - i;
  const a = hex(BLUES[i]), b = hex(BLUES[i + 1]);
  return '#' + a.map((v, k) => Math.round(v + (b[k] - v) * f).toString(16).padStart(2, '0')).join('');
}
const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const luminance = (c: string) => { const [r, g, b] = hex(c); return (0.299 * r + 0.587 * g + 0.114 * b) / 255; };

/** ~`count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; step: number } {
  if (!(max > min)) { max = min + 1; }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { ticks, step };
}

interface AxesSpec {
  x: number; y: number; w: number; h: number;
  xMin: number; xMax: number; yMin: number; yMax: number;
  xLabel?: string; yLabel?: string; title?: string;
  xTicks?: number[]; yTicks?: number[]; xStep?: number; yStep?: number;
  grid?: boolean;
}

class Axes {
  constructor(readonly s: AxesSpec) {}
  px(v: number) { const s = this.s; return s.x + ((v - s.xMin) / (s.xMax - s.xMin)) * s.w; }
  py(v: number) { const s = this.s; return s.y + s.h - ((v - s.yMin) / (s.yMax - s.yMin)) * s.h; }
  /** Grid + tick labels + axis labels (drawn before the data); frame is drawn by `frame()`. */
  background(prims: Prim[]): void {
    const s = this.s;
    const xt = s.xTicks ? { ticks: s.xTicks, step: s.xStep ?? 0.1 } : niceTicks(s.xMin, s.xMax, 5);
    const yt = s.yTicks ? { ticks: s.yTicks, step: s.yStep ?? 0.1 } : niceTicks(s.yMin, s.yMax, 5);
    for (const v of xt.ticks) {
      const X = this.px(v);
      if (s.grid !== false) prims.push({ t: 'line', points: [X, s.y, X, s.y + s.h], stroke: GRID, width: 1 });
      prims.push({ t: 'line', points: [X, s.y + s.h, X, s.y + s.h + 4], stroke: AXIS, width: 1 });
      prims.push({ t: 'text', x: X, y: s.y + s.h + 7, text: formatTick(v, xt.step), size: FS_SMALL, anchor: 'middle', baseline: 'hanging', color: TEXT });
    }
    for (const v of yt.ticks) {
      const Y = this.py(v);
      if (s.grid !== false) prims.push({ t: 'line', points: [s.x, Y, s.x + s.w, Y], stroke: GRID, width: 1 });
      prims.push({ t: 'line', points: [s.x - 4, Y, s.x, Y], stroke: AXIS, width: 1 });
      prims.push({ t: 'text', x: s.x - 7, y: Y, text: formatTick(v, yt.step), size: FS_SMALL, anchor: 'end', baseline: 'middle', color: TEXT });
    }
    const yLabW = Math.max(...yt.ticks.map((v) => measureText(formatTick(v, yt.step), FS_SMALL)), 0);
    if (s.xLabel) prims.push({ t: 'text', x: s.x + s.w / 2, y: s.y + s.h + 36, text: s.xLabel, size: FS, anchor: 'middle', color: TEXT });
    if (s.yLabel) prims.push({ t: 'text', x: s.x - yLabW - 16, y: s.y + s.h / 2, text: s.yLabel, size: FS, anchor: 'middle', rotate: -90, color: TEXT });
    if (s.title) prims.push({ t: 'text', x: s.x + s.w / 2, y: s.y - 12, text: s.title, size: FS_TITLE, anchor: 'middle', bold: true, color: TEXT });
  }
  frame(prims: Prim[]): void {
    const s = this.s;
    prims.push({ t: 'rect', x: s.x, y: s.y, w: s.w, h: s.h, stroke: AXIS, strokeWidth: 1 });
  }
  /** Polyline of data points clipped to the axes' box by clamping (data are expected in range). */
  line(xs: readonly number[], ys: readonly number[]): number[] {
    const pts: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
      pts.push(this.px(xs[i]), this.py(ys[i]));
    }
    return pts;
  }
}

export interface LegendItem { label: string; color: string; dash?: number[]; width?: number; kind?: 'line' | 'box' }

function legend(prims: Prim[], x: number, y: number, items: LegendItem[], opts: { frame?: boolean } = {}): { w: number; h: number } {
  const lh = 16, sw = 26;
  const w = 8 + sw + 6 + Math.max(...items.map((i) => measureText(i.label, FS_SMALL))) + 8;
  const h = items.length * lh + 8;
  if (opts.frame !== false) prims.push({ t: 'rect', x, y, w, h, fill: '#ffffff', stroke: '#cccccc', strokeWidth: 1, opacity: 0.9 });
  items.forEach((it, i) => {
    const cy = y + 4 + lh * i + lh / 2;
    if (it.kind === 'box') prims.push({ t: 'rect', x: x + 8, y: cy - 5, w: sw, h: 10, fill: it.color, opacity: 0.85 });
    else prims.push({ t: 'line', points: [x + 8, cy, x + 8 + sw, cy], stroke: it.color, width: it.width ?? 2, dash: it.dash });
    prims.push({ t: 'text', x: x + 8 + sw + 6, y: cy, text: it.label, size: FS_SMALL, baseline: 'middle', color: TEXT });
  });
  return { w, h };
}

// ---------------------------------------------------------------------------------------------

export interface ConfusionPlotOptions { normalize?: boolean; title?: string; cell?: number }

/** Heat-map of `cm[true][pred]` with class names on both axes and a colour bar. */
export function confusionMatrixFigure(cm: readonly (readonly number[])[], classNames: readonly string[], opts: ConfusionPlotOptions = {}): Figure {
  const k = cm.length, cell = opts.cell ?? 40;
  const values = opts.normalize
    ? cm.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => (s ? v / s : 0)); })
    : cm.map((r) => [...r]);
  const vmax = opts.normalize ? 1 : Math.max(1, ...values.flat());
  const nameW = Math.max(...classNames.map((n) => measureText(n, FS)));
  const left = 24 + 16 + nameW + 10, top = opts.title ? 40 : 16;
  const W = left + k * cell + 24 + 14 + 40 + 16;
  const H = top + k * cell + 10 + nameW + 10 + 24;
  const prims: Prim[] = [];
  const title = opts.title ?? (opts.normalize ? 'Confusion matrix (row-normalised)' : 'Confusion matrix (counts)');
  if (opts.title !== '') prims.push({ t: 'text', x: left + (k * cell) / 2, y: top - 16, text: title, size: FS_TITLE, anchor: 'middle', bold: true, color: TEXT });
  const valueSize = cell >= 40 ? (opts.normalize ? 10 : 11) : 9;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = values[i][j];
      const col = blues(v / vmax);
      const x = left + j * cell, y = top + i * cell;
      prims.push({ t: 'rect', x, y, w: cell, h: cell, fill: col });
      const label = opts.normalize ? formatFixed(v, 2) : String(v);
      prims.push({ t: 'text', x: x + cell / 2, y: y + cell / 2, text: label, size: valueSize, anchor: 'middle', baseline: 'middle', color: luminance(col) < 0.5 ? '#ffffff' : '#1a1a1a', bold: i === j });
    }
  }
  prims.push({ t: 'rect', x: left, y: top, w: k * cell, h: k * cell, stroke: AXIS, strokeWidth: 1 });
  for (let i = 0; i < k; i++) {
    const yc = top + i * cell + cell / 2, xc = left + i * cell + cell / 2;
    prims.push({ t: 'text', x: left - 8, y: yc, text: classNames[i], size: FS, anchor: 'end', baseline: 'middle', color: TEXT });
    prims.push({ t: 'line', points: [left - 4, yc, left, yc], stroke: AXIS, width: 1 });
    prims.push({ t: 'text', x: xc, y: top + k * cell + 8, text: classNames[i], size: FS, anchor: 'end', baseline: 'middle', rotate: -90, color: TEXT });
    prims.push({ t: 'line', points: [xc, top + k * cell, xc, top + k * cell + 4], stroke: AXIS, width: 1 });
  }
  prims.push({ t: 'text', x: left + (k * cell) / 2, y: top + k * cell + 10 + nameW + 24, text: 'Predicted label', size: FS + 1, anchor: 'middle', color: TEXT });
  prims.push({ t: 'text', x: 24, y: top + (k * cell) / 2, text: 'True label', size: FS + 1, anchor: 'middle', rotate: -90, color: TEXT });
  // Colour bar.
  const cbX = left + k * cell + 24, cbH = k * cell, steps = 64;
  for (let s = 0; s < steps; s++) {
    const y0 = top + cbH - ((s + 1) / steps) * cbH;
    // Each step overlaps the one below by 1px so anti-aliased seams do not show.
    prims.push({ t: 'rect', x: cbX, y: y0, w: 14, h: cbH / steps + (s === 0 ? 0 : 1), fill: blues((s + 0.5) / steps) });
  }
  prims.push({ t: 'rect', x: cbX, y: top, w: 14, h: cbH, stroke: AXIS, strokeWidth: 1 });
  const { ticks, step } = niceTicks(0, vmax, 5);
  for (const v of ticks) {
    const y = top + cbH - (v / vmax) * cbH;
    prims.push({ t: 'line', points: [cbX + 14, y, cbX + 18, y], stroke: AXIS, width: 1 });
    prims.push({ t: 'text', x: cbX + 21, y, text: opts.normalize ? formatFixed(v, 1) : formatTick(v, step), size: FS_SMALL, baseline: 'middle', color: TEXT });
  }
  return { width: Math.ceil(W), height: Math.ceil(H), prims, title };
}

export interface RocPlotOptions { title?: string; classNames: readonly string[] }

/** One-vs-rest ROC curves per class plus micro and macro averages and the chance line, legend with AUCs. */
export function rocFigure(roc: MulticlassRoc, opts: RocPlotOptions): Figure {
  const plot = 380, left = 62, top = 40;
  const prims: Prim[] = [];
  const ax = new Axes({
    x: left, y: top, w: plot, h: plot, xMin: 0, xMax: 1, yMin: 0, yMax: 1.0,
    xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], yTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], xStep: 0.1, yStep: 0.1,
    xLabel: 'False positive rate', yLabel: 'True positive rate', title: opts.title ?? 'ROC curves (one-vs-rest)',
  });
  ax.background(prims);
  prims.push({ t: 'line', points: [ax.px(0), ax.py(0), ax.px(1), ax.py(1)], stroke: '#9a9a9a', width: 1, dash: [5, 4] });
  const items: LegendItem[] = [];
  const auc = (v: number) => (Number.isFinite(v) ? formatFixed(v, 3) : 'n/a');
  roc.perClass.forEach((c, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (Number.isFinite(c.auc)) prims.push({ t: 'line', points: ax.line(c.fpr, c.tpr), stroke: color, width: 1.4, opacity: 0.9 });
    items.push({ label: `${opts.classNames[i] ?? i} (AUC ${auc(c.auc)})`, color, width: 1.6 });
  });
  if (Number.isFinite(roc.micro.auc)) prims.push({ t: 'line', points: ax.line(roc.micro.fpr, roc.micro.tpr), stroke: '#e7298a', width: 2.6, dash: [2, 3] });
  if (roc.macroCurve.fpr.length > 1) prims.push({ t: 'line', points: ax.line(roc.macroCurve.fpr, roc.macroCurve.tpr), stroke: '#1b1b6f', width: 2.6, dash: [7, 3] });
  items.push({ label: `micro-average (AUC ${auc(roc.micro.auc)})`, color: '#e7298a', width: 2.6, dash: [2, 3] });
  items.push({ label: `macro-average (AUC ${auc(roc.macroAuc)})`, color: '#1b1b6f', width: 2.6, dash: [7, 3] });
  items.push({ label: 'chance', color: '#9a9a9a', width: 1, dash: [5, 4] });
  ax.frame(prims);
  const lg = legend(prims, left + plot + 18, top, items, { frame: false });
  return { width: Math.ceil(left + plot + 18 + lg.w + 12), height: top + plot + 56, prims, title: opts.title ?? 'ROC curves' };
}

export interface ReliabilityPlotOptions { title?: string }

/** Reliability diagram: per-bin accuracy bars with the gap to confidence, the identity line, ECE, and a histogram of confidences below. */
export function reliabilityFigure(rel: Reliability, opts: ReliabilityPlotOptions = {}): Figure {
  const plot = 320, left = 62, top = 40, histH = 80, gap = 16;
  const prims: Prim[] = [];
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const ax = new Axes({ x: left, y: top, w: plot, h: plot, xMin: 0, xMax: 1, yMin: 0, yMax: 1, xTicks: ticks, yTicks: ticks, xStep: 0.1, yStep: 0.1, yLabel: 'Accuracy', title: opts.title ?? 'Reliability diagram' });
  // Only y labels on the top panel (the histogram below carries the x axis).
  const bg: Prim[] = [];
  ax.background(bg);
  prims.push(...bg.filter((p) => !(p.t === 'text' && p.baseline === 'hanging')));
  for (const b of rel.bins) {
    if (!b.count) continue;
    const x0 = ax.px(b.lower), x1 = ax.px(b.upper);
    prims.push({ t: 'rect', x: x0, y: ax.py(b.accuracy), w: x1 - x0, h: ax.py(0) - ax.py(b.accuracy), fill: '#1f77b4', stroke: '#15507f', strokeWidth: 0.8 });
    const lo = Math.min(b.accuracy, b.confidence), hi = Math.max(b.accuracy, b.confidence);
    if (hi - lo > 1e-6) prims.push({ t: 'rect', x: x0, y: ax.py(hi), w: x1 - x0, h: ax.py(lo) - ax.py(hi), fill: GAP_FILL, stroke: '#d62728', strokeWidth: 0.8 });
  }
  prims.push({ t: 'line', points: [ax.px(0), ax.py(0), ax.px(1), ax.py(1)], stroke: '#555555', width: 1.2, dash: [5, 4] });
  ax.frame(prims);
  legend(prims, left + 10, top + 10, [
    { label: 'Accuracy', color: '#1f77b4', kind: 'box' },
    { label: 'Gap to mean confidence', color: GAP_FILL, kind: 'box' },
    { label: 'Perfect calibration', color: '#555555', width: 1.2, dash: [5, 4] },
  ]);
  const eceText = `ECE = ${formatFixed(rel.ece * 100, 2)}%`;
  const bw = measureText(eceText, FS) + 16;
  prims.push({ t: 'rect', x: left + plot - bw - 10, y: top + plot - 34, w: bw, h: 24, fill: '#ffffff', stroke: '#cccccc', strokeWidth: 1 });
  prims.push({ t: 'text', x: left + plot - bw / 2 - 10, y: top + plot - 22, text: eceText, size: FS, anchor: 'middle', baseline: 'middle', color: TEXT });
  // Histogram of confidences.
  const hy = top + plot + gap;
  const maxC = Math.max(1, ...rel.bins.map((b) => b.count));
  const yt = niceTicks(0, maxC, 2);
  const hax = new Axes({ x: left, y: hy, w: plot, h: histH, xMin: 0, xMax: 1, yMin: 0, yMax: Math.max(maxC, yt.ticks[yt.ticks.length - 1]), xTicks: ticks, xStep: 0.1, yTicks: yt.ticks, yStep: yt.step, xLabel: 'Confidence (top-1 probability)', yLabel: 'Count' });
  hax.background(prims);
  for (const b of rel.bins) {
    if (!b.count) continue;
    const x0 = hax.px(b.lower), x1 = hax.px(b.upper);
    prims.push({ t: 'rect', x: x0, y: hax.py(b.count), w: x1 - x0, h: hax.py(0) - hax.py(b.count), fill: '#7f7f7f', stroke: '#555555', strokeWidth: 0.8 });
  }
  hax.frame(prims);
  return { width: left + plot + 24, height: hy + histH + 50, prims, title: opts.title ?? 'Reliability diagram' };
}

export interface Series { name: string; x: readonly number[]; y: readonly number[]; color?: string; dash?: number[]; markers?: boolean }
export interface LineChartOptions { title?: string; xLabel?: string; yLabel?: string; xMin?: number; xMax?: number; yMin?: number; yMax?: number; width?: number; height?: number }

/** Simple multi-series line chart (training curves). */
export function lineChartFigure(series: readonly Series[], opts: LineChartOptions = {}): Figure {
  const W = opts.width ?? 460, H = opts.height ?? 300;
  const left = 64, top = opts.title ? 36 : 16, right = 16, bottom = 50;
  const xs = series.flatMap((s) => s.x.filter(Number.isFinite));
  const ys = series.flatMap((s) => s.y.filter(Number.isFinite));
  let xMin = opts.xMin ?? (xs.length ? Math.min(...xs) : 0), xMax = opts.xMax ?? (xs.length ? Math.max(...xs) : 1);
  if (xMax === xMin) { xMin -= 0.5; xMax += 0.5; }
  const integerX = xs.every((v) => Number.isInteger(v));
  const xt = niceTicks(xMin, xMax, integerX ? Math.min(6, Math.max(1, Math.round(xMax - xMin))) : 5);
  let yMin = opts.yMin ?? (ys.length ? Math.min(...ys) : 0), yMax = opts.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (yMax === yMin) { yMin -= 0.5; yMax += 0.5; }
  const yt = niceTicks(yMin, yMax, 5);
  if (opts.yMin === undefined) yMin = Math.floor(yMin / yt.step + 1e-9) * yt.step;
  if (opts.yMax === undefined) yMax = Math.ceil(yMax / yt.step - 1e-9) * yt.step;
  const xPad = (xMax - xMin) * 0.03;
  if (opts.xMin === undefined) xMin -= xPad;
  if (opts.xMax === undefined) xMax += xPad;
  const prims: Prim[] = [];
  const ax = new Axes({ x: left, y: top, w: W - left - right, h: H - top - bottom, xMin, xMax, yMin, yMax, xTicks: xt.ticks.filter((v) => v >= xMin - 1e-9 && v <= xMax + 1e-9), xStep: xt.step, yTicks: niceTicks(yMin, yMax, 5).ticks, yStep: niceTicks(yMin, yMax, 5).step, xLabel: opts.xLabel, yLabel: opts.yLabel, title: opts.title });
  ax.background(prims);
  const items: LegendItem[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = ax.line(s.x, s.y);
    if (pts.length >= 4) prims.push({ t: 'line', points: pts, stroke: color, width: 1.8, dash: s.dash });
    if (s.markers ?? s.x.length <= 60) for (let j = 0; j < pts.length; j += 2) prims.push({ t: 'circle', cx: pts[j], cy: pts[j + 1], r: 2.4, fill: color });
    items.push({ label: s.name, color, dash: s.dash, width: 1.8 });
  });
  ax.frame(prims);
  if (items.length) {
    // Legend in the corner of the plot that covers the fewest data points (ties: top right).
    const lw = 8 + 26 + 6 + Math.max(...items.map((i) => measureText(i.label, FS_SMALL))) + 8;
    const lh = items.length * 16 + 8;
    const x0 = left + 8, x1 = W - right - lw - 8, y0 = top + 8, y1 = H - bottom - lh - 8;
    const corners: [number, number][] = [[x1, y0], [x1, y1], [x0, y0], [x0, y1]];
    const covered = ([cx, cy]: [number, number]) => {
      let c = 0;
      for (const s of series) {
        const pts = ax.line(s.x, s.y);
        for (let j = 0; j + 3 < pts.length; j += 2) {
          // Sample each segment so long segments crossing the box count too.
          for (let t = 0; t <= 1; t += 0.125) {
            const px = pts[j] + (pts[j + 2] - pts[j]) * t, py = pts[j + 1] + (pts[j + 3] - pts[j + 1]) * t;
            if (px >= cx && px <= cx + lw && py >= cy && py <= cy + lh) c++;
          }
        }
      }
      return c;
    };
    let best = corners[0], bestC = covered(best);
    for (const c of corners.slice(1)) { const v = covered(c); if (v < bestC) { best = c; bestC = v; } }
    legend(prims, best[0], best[1], items);
  }
  return { width: W, height: H, prims, title: opts.title ?? 'chart' };
}
