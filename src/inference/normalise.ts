/** Per-channel normalisation of a rendered image, as the model file records it and training computed it. */

export interface Normalisation { mean: number[]; std: number[] }

/** Writes (img − mean[c]) / std[c] for each channel of a CHW image into `out` at `offset`. */
export function normaliseInto(img: Float32Array, norm: Normalisation, planeSize: number, out: Float32Array, offset = 0): void {
  const channels = img.length / planeSize;
  for (let ch = 0; ch < channels; ch++) {
    const m = norm.mean[ch], s = norm.std[ch];
    for (let j = 0; j < planeSize; j++) out[offset + ch * planeSize + j] = (img[ch * planeSize + j] - m) / s;
  }
}
