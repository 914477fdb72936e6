/**
 * The browser-safe half of the tfjs peers (no Node built-ins): the TF type, the backend names, the
 * workarounds list, syncing, and the conv filter gradient supplied for tfjs-wasm. bench/peers/tfjs.ts
 * loads tfjs in Node on top of it; the demo's Bench page (web/demo/bench-worker.ts) loads it in a Worker.
 */
import type { PeerName } from '../cases/common.js';

export type TF = typeof import('@tensorflow/tfjs');

export const workarounds: string[] = [];

export const BACKEND: Record<PeerName, string> = { 'tfjs-webgpu': 'webgpu', 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu' };

/** tfjs-wasm's thread count, once its backend has started (peerInfo reports it). */
export const wasmState: { threads?: number } = {};

export function peerInfo(tf: TF, peer: PeerName): string {
  if (peer === 'tfjs-wasm') return `wasm, ${wasmState.threads ?? '?'} thread(s), SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}`;
  if (peer === 'tfjs-webgpu') {
    const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
    return `webgpu on ${info?.vendor ?? '?'} ${info?.architecture ?? ''}`.trim();
  }
  return 'cpu (plain JavaScript)';
}

/** Waits until everything the tensors depend on has been computed (tfjs-webgpu: reads them back). */
export async function tfSync(...ts: import('@tensorflow/tfjs').Tensor[]): Promise<void> {
  await Promise.all(ts.map((t) => t.data()));
}

/**
 * tfjs-backend-wasm ships no Conv2DBackpropFilter kernel, so `tf.grad` through a conv fails on wasm.
 * We supply the filter gradient from wasm's own (XNNPACK) forward conv2d: for stride s and padding p,
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − p, ow·s + kw − p, ci] · dy[n, oh, ow, co]
 * is a stride-1 convolution with dilation s of x viewed as [ci, H, W, n] (batch = ci, channels = n)
 * by dy viewed as a filter [oh, ow, n, co]. Only the wasm backend takes this path; the others keep
 * tfjs's own gradient. Used by the conv backward-weights rows and the training steps on tfjs-wasm.
 */
export function supplyWasmConvFilterGradient(tf: TF): void {
  const orig = tf.getGradient('Conv2D');
  if (!orig) return;
  tf.registerGradient({
    ...orig,
    gradFunc: (dy, saved, attrs) => {
      const grads = orig.gradFunc(dy, saved, attrs);
      if (tf.getBackend() !== 'wasm') return grads;
      const [x, filter] = saved as import('@tensorflow/tfjs').Tensor4D[];
      const a = attrs as unknown as { strides: number | [number, number]; pad: unknown; dilations?: number | [number, number] };
      return { ...grads, filter: () => wasmConvFilterGrad(tf, x, dy as import('@tensorflow/tfjs').Tensor4D, filter.shape as number[], a.strides, a.pad) };
    },
  });
  workarounds.push(
    'tfjs-wasm has no Conv2DBackpropFilter kernel: the bench supplies the conv filter gradient from wasm\'s own forward conv2d ' +
      '(x as [ci,H,W,n] convolved, dilation = stride, with dy as an [oh,ow,n,co] filter); rows that use it say so.',
  );
}

export function wasmConvFilterGrad(
  tf: TF, x: import('@tensorflow/tfjs').Tensor4D, dy: import('@tensorflow/tfjs').Tensor4D, filterShape: number[],
  strides: number | [number, number], pad: unknown,
): import('@tensorflow/tfjs').Tensor4D {
  return tf.tidy(() => {
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const [kh, kw] = filterShape;
    const [, H, W] = x.shape;
    const [, OH, OW] = dy.shape;
    let pt: number, pl: number;
    if (typeof pad === 'number') [pt, pl] = [pad, pad];
    else if (pad === 'valid') [pt, pl] = [0, 0];
    else if (Array.isArray(pad)) [pt, pl] = [pad[1][0], pad[2][0]];
    else throw new Error(`wasmConvFilterGrad: padding ${String(pad)} not supported`);
    let xt = tf.transpose(x, [3, 1, 2, 0]) as import('@tensorflow/tfjs').Tensor4D; // [ci, H, W, n]
    let pb = kh + sh * (OH - 1) - H - pt;
    let pr = kw + sw * (OW - 1) - W - pl;
    if (pb < 0 || pr < 0) {
      xt = tf.slice(xt, [0, 0, 0, 0], [-1, H + Math.min(0, pb), W + Math.min(0, pr), -1]);
      pb = Math.max(0, pb);
      pr = Math.max(0, pr);
    }
    const f = tf.transpose(dy, [1, 2, 0, 3]) as import('@tensorflow/tfjs').Tensor4D; // [oh, ow, n, co]
    const out = tf.conv2d(xt, f, 1, [[0, 0], [pt, pb], [pl, pr], [0, 0]], 'NHWC', [sh, sw]); // [ci, kh, kw, co]
    return tf.transpose(out, [1, 2, 0, 3]) as import('@tensorflow/tfjs').Tensor4D; // [kh, kw, ci, co]
  });
}
