/**
 * Grad-CAM (Selvaraju et al. 2017) on the last convolution: the class score's gradient with respect to
 * the last conv activations, averaged over space, weights those activations; the ReLU of the weighted
 * sum shows where in the ECG image the evidence for the class lies. Autograd makes it one backward.
 */
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { backward, noGrad } from '../autograd/index.js';
import { inputDims, type AlexNet } from '../models/alexnet.js';
import { gradCamMap } from '../models/grad-cam-map.js';
import { renderRecord, type RenderOptions } from '../ecg/render.js';
import type { EcgRecord } from '../ecg/types.js';

export interface SaliencyMap {
  /** h × w map in [0, 1] at the last conv's resolution. */
  map: Float32Array;
  h: number;
  w: number;
  cls: number;
  logits: Float32Array;
}

/** `input` is one normalised image [1, C, H, W] as host data. */
export async function gradCam(model: AlexNet, input: Float32Array, cls?: number): Promise<SaliencyMap> {
  const { inChannels: c, numClasses: k } = model.config;
  const [inH, inW] = inputDims(model.config);
  const wasTraining = model.training;
  model.eval();
  const layers = model.features.layers;
  const cut = model.lastConvActivation;
  const acts = tidy(() => noGrad(() => {
    let x = Tensor.from(input, [1, c, inH, inW]);
    for (let i = 0; i <= cut; i++) x = layers[i].forward(x);
    return x;
  })).keep();
  const rest = (x: Tensor) => {
    for (let i = cut + 1; i < layers.length; i++) x = layers[i].forward(x);
    return model.head.forward(x);
  };
  // First the prediction (no graph), then one forward+backward for the target class in one scope, so
  // the tensors the backward needs are still alive when it runs.
  const logits = tidy(() => noGrad(() => rest(acts)));
  const logitValues = await logits.read();
  logits.dispose();
  const target = cls ?? logitValues.indexOf(Math.max(...logitValues));
  const seed = new Float32Array(k);
  seed[target] = 1;
  acts.requiresGrad = true;
  tidy(() => backward(rest(acts), Tensor.from(seed, [1, k])));
  const [a, g] = [await acts.read(), await acts.grad!.read()];
  const [, C, h, w] = acts.shape;
  acts.grad!.dispose();
  acts.dispose();
  model.train(wasTraining);
  return { map: gradCamMap(a, g, C, h, w), h, w, cls: target, logits: logitValues };
}

/** Draws the map over an RGBA image (bilinear upsampling, a transparent-to-red heat colour). */
export function overlaySaliency(rgba: Uint8Array, width: number, height: number, s: SaliencyMap): Uint8Array {
  const out = new Uint8Array(rgba);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(s.h - 1, Math.max(0, ((y + 0.5) / height) * s.h - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(s.h - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(s.w - 1, Math.max(0, ((x + 0.5) / width) * s.w - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(s.w - 1, x0 + 1), tx = fx - x0;
      const v = (s.map[y0 * s.w + x0] * (1 - tx) + s.map[y0 * s.w + x1] * tx) * (1 - ty) + (s.map[y1 * s.w + x0] * (1 - tx) + s.map[y1 * s.w + x1] * tx) * ty;
      const alpha = 0.55 * v;
      const i = 4 * (y * width + x);
      // Heat colour: yellow at low, red at high saliency.
      const r = 255, gr = Math.round(220 * (1 - v)), b = 0;
      out[i] = Math.round(out[i] * (1 - alpha) + r * alpha);
      out[i + 1] = Math.round(out[i + 1] * (1 - alpha) + gr * alpha);
      out[i + 2] = Math.round(out[i + 2] * (1 - alpha) + b * alpha);
    }
  }
  return out;
}

/**
 * A human-sized picture of the record with the saliency over it, for a model whose input was rendered
 * with `render`. Image layouts are drawn as they were seen, larger. `lead-channels` inputs share one time
 * axis across the twelve lead planes and their rows are amplitude, not leads, so the map is collapsed to
 * time (its maximum over rows) and drawn as bands over a stacked 12-lead picture.
 */
export function saliencyPicture(rec: EcgRecord, render: RenderOptions, cam: SaliencyMap, size = 880): { rgba: Uint8Array; width: number; height: number } {
  let map = cam;
  if (render.layout === 'lead-channels') {
    const time = new Float32Array(cam.w);
    for (let x = 0; x < cam.w; x++) for (let y = 0; y < cam.h; y++) time[x] = Math.max(time[x], cam.map[y * cam.w + x]);
    map = { ...cam, map: time, h: 1 };
  }
  const img = renderRecord(rec, pictureOptions(render, size));
  return { rgba: overlaySaliency(img.rgba, img.width, img.height, map), width: img.width, height: img.height };
}

/** The render options of that picture (also the plain picture a page shows before the overlay). */
export function pictureOptions(render: RenderOptions, size = 880): RenderOptions {
  const opts: RenderOptions = { ...render, width: size, height: size, labels: true };
  return render.layout === 'lead-channels' ? { ...opts, layout: 'stacked', width: Math.round(size * 1.25) } : opts;
}
