/**
 * Augmentations that suit rendered ECG images: small time shifts (horizontal translation), small
 * crops (zoom in by up to a few percent), amplitude scaling (vertical zoom about each image row band's
 * centre is not separable from the layout, so it is a vertical zoom of the whole image), contrast
 * jitter and pixel noise. No mirror flips: they reverse time or invert leads.
 * Deterministic given the RNG, so a resumed run augments exactly as the original.
 */
export interface AugmentOptions {
  /** Max horizontal shift as a fraction of the width. */
  shift: number;
  /** Max zoom-in (crop) fraction. */
  crop: number;
  /** Max vertical amplitude scaling, e.g. 0.1 for ×0.9–×1.1. */
  amplitude: number;
  /** Standard deviation of additive pixel noise. */
  noise: number;
}

/** Mild on purpose: at classifier resolution (a lead is ~10 px tall at 128 px) stronger settings blurred
 * away the QRS and ST details and stopped AlexNet-M-SE learning (measured: val 0.49 → 0.13 at epoch 5). */
export const DEFAULT_AUGMENT: AugmentOptions = { shift: 0.03, crop: 0.03, amplitude: 0.05, noise: 0 };
/** For inputs that keep the heart rate's scale (lead-channels): no zoom, which would change the apparent rate. */
export const TIME_SHIFT_AUGMENT: AugmentOptions = { shift: 0.03, crop: 0, amplitude: 0.05, noise: 0 };
export const NO_AUGMENT: AugmentOptions = { shift: 0, crop: 0, amplitude: 0, noise: 0 };

/** Returns an augmented copy of a CHW image (values in [0,1], white background = 1). */
export function augmentImage(img: Float32Array, c: number, h: number, w: number, o: AugmentOptions, rand: () => number): Float32Array {
  if (!o.shift && !o.crop && !o.amplitude && !o.noise) return img;
  const out = new Float32Array(img.length);
  // Output pixel (x, y) samples the source at a zoomed, shifted, vertically scaled position. The map is
  // separable (source row from y alone, source column from x alone), so the bilinear taps and weights
  // are computed once per row and per column and shared by every channel.
  const zoom = 1 - o.crop * rand();
  const amp = 1 + o.amplitude * (2 * rand() - 1);
  const dx = o.shift * w * (2 * rand() - 1);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const contrast = 1 + 0.05 * (2 * rand() - 1);
  const rows = taps(h, (y) => ((y - cy) * zoom) / amp + cy);
  const { i0: cx0, i1: cx1, f: cfx, inside: cin } = taps(w, (x) => (x - cx) * zoom + cx - dx);
  // Contrast about white: v ↦ 1 − (1 − v)·contrast, clamped to [0, 1]; outside the paper is white (1).
  const ink = (v: number) => { const u = 1 - (1 - v) * contrast; return u < 0 ? 0 : u > 1 ? 1 : u; };
  for (let ch = 0; ch < c; ch++) {
    const base = ch * h * w;
    for (let y = 0; y < h; y++) {
      const o0 = base + y * w;
      if (rows.inside[y] === 0) { out.fill(1, o0, o0 + w); continue; }
      const r0 = base + rows.i0[y] * w, r1 = base + rows.i1[y] * w, fy = rows.f[y];
      for (let x = 0; x < w; x++) {
        if (cin[x] === 0) { out[o0 + x] = 1; continue; }
        const x0 = cx0[x], x1 = cx1[x], fx = cfx[x];
        const a = img[r0 + x0], b = img[r1 + x0];
        const top = a + (img[r0 + x1] - a) * fx;
        const bottom = b + (img[r1 + x1] - b) * fx;
        out[o0 + x] = ink(top + (bottom - top) * fy);
      }
    }
  }
  if (o.noise) {
    for (let i = 0; i < out.length; i++) { const v = out[i] + o.noise * gaussian(rand); out[i] = v < 0 ? 0 : v > 1 ? 1 : v; }
  }
  return out;
}

/** Bilinear taps along one axis of length n for the source coordinate `at(i)` of each output index. */
function taps(n: number, at: (i: number) => number): { i0: Int32Array; i1: Int32Array; f: Float32Array; inside: Uint8Array } {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Float32Array(n), inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = at(i);
    if (v < 0 || v > n - 1) continue;
    const a = Math.floor(v);
    i0[i] = a; i1[i] = Math.min(n - 1, a + 1); f[i] = v - a; inside[i] = 1;
  }
  return { i0, i1, f, inside };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
