/**
 * A figure is a list of drawing primitives in CSS pixels. The same figure renders to SVG (vector,
 * text as <text>) and to an RGB raster (own anti-aliased rasteriser + the built-in bitmap font),
 * which `figureToPng` encodes. Text is positioned by its alphabetic baseline.
 */
import { encodePng, type Deflate } from '../../image/png.js';
import { escapeXml } from './format.js';
import { ADVANCE, cellSize, glyph, measureText } from './font.js';

export type Anchor = 'start' | 'middle' | 'end';
export type Baseline = 'alphabetic' | 'middle' | 'hanging';

export type Prim =
  | { t: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; strokeWidth?: number; opacity?: number }
  | { t: 'line'; points: number[]; stroke: string; width: number; dash?: number[]; opacity?: number }
  | { t: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string; strokeWidth?: number }
  | { t: 'text'; x: number; y: number; text: string; size: number; color?: string; anchor?: Anchor; baseline?: Baseline; rotate?: number; bold?: boolean };

export interface Figure {
  width: number;
  height: number;
  background?: string;
  prims: Prim[];
  /** Accessible description (SVG <title>). */
  title?: string;
}

export const FONT_FAMILY = 'Helvetica, Arial, "DejaVu Sans", sans-serif';

const baselineShift = (b: Baseline | undefined, size: number) => (b === 'middle' ? 0.36 * size : b === 'hanging' ? 0.72 * size : 0);
const r2 = (v: number) => Math.round(v * 100) / 100;

/** Serialises a figure as a standalone SVG document (no XML prolog, so it can be inlined in HTML). */
export function figureToSvg(fig: Figure, opts: { id?: string } = {}): string {
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" ${opts.id ? `id="${escapeXml(opts.id)}" ` : ''}width="${fig.width}" height="${fig.height}" viewBox="0 0 ${fig.width} ${fig.height}" font-family='${FONT_FAMILY}'>`);
  if (fig.title) out.push(`<title>${escapeXml(fig.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${fig.width}" height="${fig.height}" fill="${fig.background ?? '#ffffff'}"/>`);
  for (const p of fig.prims) {
    switch (p.t) {
      case 'rect': {
        const fill = p.fill ?? 'none';
        const stroke = p.stroke ? ` stroke="${p.stroke}" stroke-width="${p.strokeWidth ?? 1}"` : '';
        const op = p.opacity !== undefined && p.opacity < 1 ? ` fill-opacity="${p.opacity}"` : '';
        out.push(`<rect x="${r2(p.x)}" y="${r2(p.y)}" width="${r2(p.w)}" height="${r2(p.h)}" fill="${fill}"${op}${stroke}/>`);
        break;
      }
      case 'line': {
        const pts: string[] = [];
        for (let i = 0; i < p.points.length; i += 2) pts.push(`${r2(p.points[i])},${r2(p.points[i + 1])}`);
        const dash = p.dash ? ` stroke-dasharray="${p.dash.join(' ')}"` : '';
        const op = p.opacity !== undefined && p.opacity < 1 ? ` stroke-opacity="${p.opacity}"` : '';
        out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${p.stroke}" stroke-width="${p.width}" stroke-linejoin="round" stroke-linecap="${p.dash ? 'butt' : 'round'}"${dash}${op}/>`);
        break;
      }
      case 'circle': {
        const stroke = p.stroke ? ` stroke="${p.stroke}" stroke-width="${p.strokeWidth ?? 1}"` : '';
        out.push(`<circle cx="${r2(p.cx)}" cy="${r2(p.cy)}" r="${r2(p.r)}" fill="${p.fill}"${stroke}/>`);
        break;
      }
      case 'text': {
        const y = p.y + (p.rotate ? 0 : baselineShift(p.baseline, p.size));
        const anchor = p.anchor && p.anchor !== 'start' ? ` text-anchor="${p.anchor}"` : '';
        let x = p.x, yy = y, tr = '';
        if (p.rotate) {
          // Rotate about the anchor point; the baseline shift is applied in the rotated frame.
          tr = ` transform="rotate(${p.rotate} ${r2(p.x)} ${r2(p.y)})"`;
          yy = p.y + baselineShift(p.baseline, p.size);
          x = p.x;
        }
        const weight = p.bold ? ' font-weight="bold"' : '';
        out.push(`<text x="${r2(x)}" y="${r2(yy)}" font-size="${p.size}"${anchor}${weight} fill="${p.color ?? '#222222'}"${tr}>${escapeXml(p.text)}</text>`);
        break;
      }
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Raster

export function parseColor(c: string): [number, number, number] {
  const named: Record<string, string> = { white: '#ffffff', black: '#000000', none: '#ffffff' };
  let h = (named[c] ?? c).replace('#', '');
  if (h.length === 3) h = h.split('').map((x) => x + x).join('');
  const v = parseInt(h, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Coverage accumulator over a pixel window. */
class Mask {
  readonly data: Float32Array;
  constructor(readonly x0: number, readonly y0: number, readonly w: number, readonly h: number) {
    this.data = new Float32Array(Math.max(0, w * h));
  }
  /** Adds exact area coverage of the axis-aligned rectangle [ax, bx) × [ay, by). */
  addRect(ax: number, ay: number, bx: number, by: number): void {
    if (bx <= ax || by <= ay) return;
    const px0 = Math.max(this.x0, Math.floor(ax)), px1 = Math.min(this.x0 + this.w - 1, Math.ceil(bx) - 1);
    const py0 = Math.max(this.y0, Math.floor(ay)), py1 = Math.min(this.y0 + this.h - 1, Math.ceil(by) - 1);
    for (let py = py0; py <= py1; py++) {
      const cy = Math.min(by, py + 1) - Math.max(ay, py);
      if (cy <= 0) continue;
      for (let px = px0; px <= px1; px++) {
        const cx = Math.min(bx, px + 1) - Math.max(ax, px);
        if (cx > 0) this.data[(py - this.y0) * this.w + (px - this.x0)] += cx * cy;
      }
    }
  }
  /** max(coverage, capsule of half-width hw around segment a→b). */
  maxSegment(ax: number, ay: number, bx: number, by: number, hw: number): void {
    const pad = hw + 1;
    const px0 = Math.max(this.x0, Math.floor(Math.min(ax, bx) - pad)), px1 = Math.min(this.x0 + this.w - 1, Math.ceil(Math.max(ax, bx) + pad));
    const py0 = Math.max(this.y0, Math.floor(Math.min(ay, by) - pad)), py1 = Math.min(this.y0 + this.h - 1, Math.ceil(Math.max(ay, by) + pad));
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (let py = py0; py <= py1; py++) {
      for (let px = px0; px <= px1; px++) {
        const cx = px + 0.5, cy = py + 0.5;
        let t = len2 === 0 ? 0 : ((cx - ax) * dx + (cy - ay) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = ax + t * dx - cx, ey = ay + t * dy - cy;
        const d = Math.sqrt(ex * ex + ey * ey);
        const cov = hw + 0.5 - d;
        if (cov <= 0) continue;
        const k = (py - this.y0) * this.w + (px - this.x0);
        const c = cov > 1 ? 1 : cov;
        if (c > this.data[k]) this.data[k] = c;
      }
    }
  }
}

export interface Raster { width: number; height: number; pixels: Uint8Array }

class Canvas {
  readonly rgb: Float32Array;
  constructor(readonly w: number, readonly h: number, bg: string) {
    this.rgb = new Float32Array(w * h * 3);
    const [r, g, b] = parseColor(bg);
    for (let i = 0; i < w * h; i++) { this.rgb[i * 3] = r; this.rgb[i * 3 + 1] = g; this.rgb[i * 3 + 2] = b; }
  }
  mask(x0: number, y0: number, x1: number, y1: number): Mask {
    const a = Math.max(0, Math.floor(x0)), b = Math.max(0, Math.floor(y0));
    const c = Math.min(this.w, Math.ceil(x1)), d = Math.min(this.h, Math.ceil(y1));
    return new Mask(a, b, Math.max(0, c - a), Math.max(0, d - b));
  }
  composite(m: Mask, color: string, opacity = 1): void {
    const [r, g, b] = parseColor(color);
    for (let y = 0; y < m.h; y++) {
      for (let x = 0; x < m.w; x++) {
        let a = m.data[y * m.w + x];
        if (a <= 0) continue;
        a = (a > 1 ? 1 : a) * opacity;
        const k = ((y + m.y0) * this.w + (x + m.x0)) * 3;
        this.rgb[k] += (r - this.rgb[k]) * a;
        this.rgb[k + 1] += (g - this.rgb[k + 1]) * a;
        this.rgb[k + 2] += (b - this.rgb[k + 2]) * a;
      }
    }
  }
}

/** Splits a polyline into its dashes ([on, off, ...] in px along the path). */
export function dashPolyline(points: number[], dash: number[]): number[][] {
  const out: number[][] = [];
  let di = 0, left = dash[0], on = true;
  let cur: number[] | null = [points[0], points[1]];
  for (let i = 2; i < points.length; i += 2) {
    let ax = points[i - 2], ay = points[i - 1];
    const bx = points[i], by = points[i + 1];
    let seg = Math.hypot(bx - ax, by - ay);
    while (seg > 0) {
      const step = Math.min(seg, left);
      const t = step / seg;
      const nx = ax + (bx - ax) * t, ny = ay + (by - ay) * t;
      if (on && cur) cur.push(nx, ny);
      ax = nx; ay = ny; seg -= step; left -= step;
      if (left <= 1e-9) {
        if (on && cur && cur.length >= 4) out.push(cur);
        on = !on; di = (di + 1) % dash.length; left = dash[di];
        cur = on ? [ax, ay] : null;
      }
    }
  }
  if (on && cur && cur.length >= 4) out.push(cur);
  return out;
}

function drawText(cv: Canvas, p: Extract<Prim, { t: 'text' }>, s: number): void {
  const u = cellSize(p.size) * s;
  const width = measureText(p.text, p.size, p.bold) * s;
  const dx0 = p.anchor === 'middle' ? -width / 2 : p.anchor === 'end' ? -width : 0;
  const shift = baselineShift(p.baseline, p.size) * s;
  // Text-frame coordinates: x along the baseline, y down; baseline at y = shift, cap top at shift − 7u.
  const rects: [number, number, number, number][] = [];
  let cx = dx0;
  for (const ch of p.text) {
    for (const [c, r] of glyph(ch).cells) {
      const x = cx + c * u, y = shift - 7 * u + r * u;
      rects.push([x, y, x + u * (p.bold ? 1.5 : 1), y + u]);
    }
    cx += ADVANCE * u;
  }
  const ox = p.x * s, oy = p.y * s;
  const rot = (((p.rotate ?? 0) % 360) + 360) % 360;
  const tf = (x: number, y: number): [number, number] =>
    rot === 90 ? [ox - y, oy + x] : rot === 270 ? [ox + y, oy - x] : rot === 180 ? [ox - x, oy - y] : [ox + x, oy + y];
  const color = p.color ?? '#222222';
  if (rot % 90 === 0) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const tr = rects.map(([a, b, c, d]) => {
      const [x1, y1] = tf(a, b), [x2, y2] = tf(c, d);
      const q: [number, number, number, number] = [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
      minX = Math.min(minX, q[0]); minY = Math.min(minY, q[1]); maxX = Math.max(maxX, q[2]); maxY = Math.max(maxY, q[3]);
      return q;
    });
    if (!tr.length) return;
    const m = cv.mask(minX, minY, maxX + 1, maxY + 1);
    for (const q of tr) m.addRect(q[0], q[1], q[2], q[3]);
    cv.composite(m, color);
    return;
  }
  // Any other angle: 4×4 supersampling of the rotated cells.
  const a = (rot * Math.PI) / 180, ca = Math.cos(a), sa = Math.sin(a);
  const rad = Math.hypot(width, 10 * u) + 2;
  const m = cv.mask(ox - rad, oy - rad, ox + rad, oy + rad);
  for (let py = m.y0; py < m.y0 + m.h; py++) for (let px = m.x0; px < m.x0 + m.w; px++) {
    let hits = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
      const X = px + (sx + 0.5) / 4 - ox, Y = py + (sy + 0.5) / 4 - oy;
      const tx = X * ca + Y * sa, ty = -X * sa + Y * ca; // inverse rotation into the text frame
      for (const [x1, y1, x2, y2] of rects) if (tx >= x1 && tx < x2 && ty >= y1 && ty < y2) { hits++; break; }
    }
    if (hits) m.data[(py - m.y0) * m.w + (px - m.x0)] = hits / 16;
  }
  cv.composite(m, color);
}

/** Rasterises a figure at `scale` device pixels per CSS pixel to 8-bit RGB. */
export function rasterizeFigure(fig: Figure, scale = 2): Raster {
  const W = Math.round(fig.width * scale), H = Math.round(fig.height * scale);
  const cv = new Canvas(W, H, fig.background ?? '#ffffff');
  const s = scale;
  for (const p of fig.prims) {
    switch (p.t) {
      case 'rect': {
        const x0 = p.x * s, y0 = p.y * s, x1 = (p.x + p.w) * s, y1 = (p.y + p.h) * s;
        if (p.fill && p.fill !== 'none') {
          const m = cv.mask(x0, y0, x1 + 1, y1 + 1);
          m.addRect(x0, y0, x1, y1);
          cv.composite(m, p.fill, p.opacity ?? 1);
        }
        if (p.stroke) {
          const hw = ((p.strokeWidth ?? 1) * s) / 2;
          const m = cv.mask(x0 - hw - 1, y0 - hw - 1, x1 + hw + 1, y1 + hw + 1);
          m.addRect(x0 - hw, y0 - hw, x1 + hw, y0 + hw);
          m.addRect(x0 - hw, y1 - hw, x1 + hw, y1 + hw);
          m.addRect(x0 - hw, y0 + hw, x0 + hw, y1 - hw);
          m.addRect(x1 - hw, y0 + hw, x1 + hw, y1 - hw);
          cv.composite(m, p.stroke);
        }
        break;
      }
      case 'line': {
        const pts = p.points.map((v) => v * s);
        const parts = p.dash ? dashPolyline(pts, p.dash.map((d) => d * s)) : [pts];
        const hw = (p.width * s) / 2;
        let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        for (let i = 0; i < pts.length; i += 2) {
          minX = Math.min(minX, pts[i]); maxX = Math.max(maxX, pts[i]); minY = Math.min(minY, pts[i + 1]); maxY = Math.max(maxY, pts[i + 1]);
        }
        const m = cv.mask(minX - hw - 2, minY - hw - 2, maxX + hw + 2, maxY + hw + 2);
        for (const part of parts) {
          if (part.length === 2) m.maxSegment(part[0], part[1], part[0], part[1], hw);
          for (let i = 2; i < part.length; i += 2) {
            // Dashes get butt ends in SVG; shorten the round caps of the capsule to match roughly.
            m.maxSegment(part[i - 2], part[i - 1], part[i], part[i + 1], hw);
          }
        }
        cv.composite(m, p.stroke, p.opacity ?? 1);
        break;
      }
      case 'circle': {
        const cx = p.cx * s, cy = p.cy * s, r = p.r * s;
        const m = cv.mask(cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2);
        m.maxSegment(cx, cy, cx, cy, r);
        cv.composite(m, p.fill);
        if (p.stroke) {
          const sw = ((p.strokeWidth ?? 1) * s) / 2;
          const ring = cv.mask(cx - r - sw - 2, cy - r - sw - 2, cx + r + sw + 2, cy + r + sw + 2);
          for (let y = 0; y < ring.h; y++) for (let x = 0; x < ring.w; x++) {
            const d = Math.abs(Math.hypot(ring.x0 + x + 0.5 - cx, ring.y0 + y + 0.5 - cy) - r);
            ring.data[y * ring.w + x] = Math.max(0, Math.min(1, sw + 0.5 - d));
          }
          cv.composite(ring, p.stroke);
        }
        break;
      }
      case 'text':
        drawText(cv, p, s);
        break;
    }
  }
  const pixels = new Uint8Array(W * H * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(cv.rgb[i])));
  return { width: W, height: H, pixels };
}

/** PNG bytes of the figure rasterised at `scale` (default 2× for crisp output). */
export function figureToPng(fig: Figure, scale = 2, deflate?: Deflate): Uint8Array {
  const r = rasterizeFigure(fig, scale);
  return encodePng(r.pixels, r.width, r.height, 3, deflate);
}
