/**
 * A small anti-aliased drawing canvas (browser-safe, no DOM): planar float RGB in [0, 1].
 * Strokes are rasterised as capsules with analytic coverage (distance to segment, 1 px ramp) and
 * combined with max() within one stroke, so joints of a polyline do not darken.
 */
import { glyph, GLYPH_H, GLYPH_W } from './font5x7.js';

export type Rgb = readonly [number, number, number];

export class Canvas {
  /** Planar RGB: plane c at offset c * width * height. */
  readonly data: Float32Array;
  private cover: Float32Array;
  private bx0 = 0; private by0 = 0; private bx1 = -1; private by1 = -1;

  constructor(readonly width: number, readonly height: number, background: Rgb = [1, 1, 1]) {
    if (!(width > 0 && height > 0) || !Number.isInteger(width) || !Number.isInteger(height)) {
      throw new Error(`Canvas: bad size ${width}×${height}`);
    }
    const n = width * height;
    this.data = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) this.data.fill(background[c], c * n, (c + 1) * n);
    this.cover = new Float32Array(n);
  }

  /** Blends `color` over pixel (x, y) with opacity a. */
  blend(x: number, y: number, color: Rgb, a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return;
    const n = this.width * this.height, i = y * this.width + x, d = this.data;
    if (a > 1) a = 1;
    d[i] += (color[0] - d[i]) * a;
    d[n + i] += (color[1] - d[n + i]) * a;
    d[2 * n + i] += (color[2] - d[2 * n + i]) * a;
  }

  /** Axis-aligned rectangle in continuous coordinates, anti-aliased by area coverage. */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    const xa = Math.max(0, Math.floor(x0)), xb = Math.min(this.width - 1, Math.ceil(x1) - 1);
    const ya = Math.max(0, Math.floor(y0)), yb = Math.min(this.height - 1, Math.ceil(y1) - 1);
    for (let y = ya; y <= yb; y++) {
      const cy = Math.min(y + 1, y1) - Math.max(y, y0);
      if (cy <= 0) continue;
      for (let x = xa; x <= xb; x++) {
        const cx = Math.min(x + 1, x1) - Math.max(x, x0);
        if (cx > 0) this.blend(x, y, color, cx * cy * alpha);
      }
    }
  }

  /** A vertical line of width w centred on x (continuous coordinates). */
  vline(x: number, y0: number, y1: number, w: number, color: Rgb, alpha = 1): void {
    this.fillRect(x - w / 2, y0, x + w / 2, y1, color, alpha);
  }
  hline(y: number, x0: number, x1: number, w: number, color: Rgb, alpha = 1): void {
    this.fillRect(x0, y - w / 2, x1, y + w / 2, color, alpha);
  }

  /** Adds one capsule segment of width w to the current stroke's coverage layer. */
  segment(x0: number, y0: number, x1: number, y1: number, w: number): void {
    const r = w / 2 + 0.5;
    const xa = Math.max(0, Math.floor(Math.min(x0, x1) - r)), xb = Math.min(this.width - 1, Math.ceil(Math.max(x0, x1) + r));
    const ya = Math.max(0, Math.floor(Math.min(y0, y1) - r)), yb = Math.min(this.height - 1, Math.ceil(Math.max(y0, y1) + r));
    if (xa > xb || ya > yb) return;
    if (xa < this.bx0 || this.bx1 < this.bx0) this.bx0 = xa;
    if (xb > this.bx1) this.bx1 = xb;
    if (ya < this.by0 || this.by1 < this.by0) this.by0 = ya;
    if (yb > this.by1) this.by1 = yb;
    const dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    const half = w / 2, cov = this.cover, W = this.width;
    for (let y = ya; y <= yb; y++) {
      const py = y + 0.5 - y0;
      for (let x = xa; x <= xb; x++) {
        const px = x + 0.5 - x0;
        let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx, ey = py - t * dy;
        const c = half + 0.5 - Math.sqrt(ex * ex + ey * ey);
        if (c <= 0) continue;
        const v = c > 1 ? 1 : c;
        const i = y * W + x;
        if (v > cov[i]) cov[i] = v;
      }
    }
  }

  /** Adds a polyline (xs[i], ys[i]) to the current stroke. */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, w: number): void {
    for (let i = 1; i < xs.length; i++) this.segment(xs[i - 1], ys[i - 1], xs[i], ys[i], w);
  }

  /** Composites the stroke built by segment()/polyline() in `color`, then clears it. */
  stroke(color: Rgb, alpha = 1): void {
    if (this.bx1 < this.bx0) return;
    const cov = this.cover, W = this.width;
    for (let y = this.by0; y <= this.by1; y++) {
      for (let x = this.bx0; x <= this.bx1; x++) {
        const i = y * W + x;
        if (cov[i] > 0) { this.blend(x, y, color, cov[i] * alpha); cov[i] = 0; }
      }
    }
    this.bx0 = 0; this.by0 = 0; this.bx1 = -1; this.by1 = -1;
  }

  /** Draws text with the 5×7 font at integer scale; (x, y) is the top-left corner. */
  text(s: string, x: number, y: number, scale: number, color: Rgb, alpha = 1): void {
    const k = Math.max(1, Math.round(scale));
    let cx = Math.round(x);
    const cy = Math.round(y);
    for (const ch of s) {
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_H; r++) {
        for (let c = 0; c < GLYPH_W; c++) {
          if (!((rows[r] >> (GLYPH_W - 1 - c)) & 1)) continue;
          for (let yy = 0; yy < k; yy++) for (let xx = 0; xx < k; xx++) this.blend(cx + c * k + xx, cy + r * k + yy, color, alpha);
        }
      }
      cx += (GLYPH_W + 1) * k;
    }
  }

  /** Interleaved 8-bit RGBA (opaque). */
  toRgba(): Uint8Array {
    const n = this.width * this.height, out = new Uint8Array(4 * n), d = this.data;
    for (let i = 0; i < n; i++) {
      out[4 * i] = Math.round(clamp01(d[i]) * 255);
      out[4 * i + 1] = Math.round(clamp01(d[n + i]) * 255);
      out[4 * i + 2] = Math.round(clamp01(d[2 * n + i]) * 255);
      out[4 * i + 3] = 255;
    }
    return out;
  }

  /** CHW float32 in [0, 1]: 3 planes (RGB) or 1 plane (luminance, ITU-R BT.601). */
  toChw(channels: 1 | 3): Float32Array {
    const n = this.width * this.height, d = this.data;
    if (channels === 3) {
      const out = new Float32Array(3 * n);
      for (let i = 0; i < 3 * n; i++) out[i] = clamp01(d[i]);
      return out;
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = clamp01(0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i]);
    return out;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
