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
export const NO_AUGMENT: AugmentOptions = { shift: 0, crop: 0, amplitude: 0, noise: 0 };

/** Returns an augmented copy of a CHW image (values in [0,1], white background = 1). */
export function augmentImage(img: Float32Array, c: number, h: number, w: number, o: AugmentOptions, rand: () => number): Float32Array {
  if (!o.shift && !o.crop && !o.amplitude && !o.noise) return img;
  const out = new Float32Array(img.length);
  // Output pixel (x, y) samples the source at a zoomed, shifted, vertically scaled position.
  const zoom = 1 - o.crop * rand();
  const amp = 1 + o.amplitude * (2 * rand() - 1);
  const dx = o.shift * w * (2 * rand() - 1);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const contrast = 1 + 0.05 * (2 * rand() - 1);
  for (let y = 0; y < h; y++) {
    const sy = ((y - cy) * zoom) / amp + cy;
    for (let x = 0; x < w; x++) {
      const sx = (x - cx) * zoom + cx - dx;
      for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + x] = bilinear(img, ch, h, w, sy, sx);
    }
  }
  for (let i = 0; i < out.length; i++) {
    let v = 1 - (1 - out[i]) * contrast;
    if (o.noise) v += o.noise * gaussian(rand);
    out[i] = Math.min(1, Math.max(0, v));
  }
  return out;
}

function bilinear(img: Float32Array, ch: number, h: number, w: number, y: number, x: number): number {
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return 1; // outside the paper: white
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  const base = ch * h * w;
  const a = img[base + y0 * w + x0], b = img[base + y0 * w + x1];
  const c = img[base + y1 * w + x0], d = img[base + y1 * w + x1];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
