/**
 * Grad-CAM's last step, shared by the WebGPU (train/saliency.ts) and CPU (cpu-forward.ts) paths: each
 * channel of the last convolution's activations is weighted by its gradient averaged over space, the
 * weighted sum is passed through a ReLU and scaled to [0, 1].
 */
export function gradCamMap(acts: ArrayLike<number>, grad: ArrayLike<number>, channels: number, h: number, w: number): Float32Array {
  const map = new Float32Array(h * w);
  for (let ch = 0; ch < channels; ch++) {
    let weight = 0;
    for (let j = 0; j < h * w; j++) weight += grad[ch * h * w + j];
    weight /= h * w;
    for (let j = 0; j < h * w; j++) map[j] += weight * acts[ch * h * w + j];
  }
  let max = 0;
  for (let j = 0; j < map.length; j++) max = Math.max(max, (map[j] = Math.max(0, map[j])));
  if (max > 0) for (let j = 0; j < map.length; j++) map[j] /= max;
  return map;
}
