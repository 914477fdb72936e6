/**
 * tfjs setup for the three peers: tfjs-webgpu (Dawn's navigator.gpu, same SwiftShader adapter as
 * ecgpu), tfjs-wasm (XNNPACK, SIMD; .wasm files loaded from node_modules) and tfjs-cpu (plain JS).
 *
 * tfjs is loaded with dynamic imports AFTER ./gpu-globals.js has defined `navigator.gpu` and the
 * GPU* globals: tfjs-backend-webgpu registers its backend at import time only if navigator.gpu exists.
 * The full `@tensorflow/tfjs` package is used (gradients of layers/ops need it).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nodeGpu } from './gpu-globals.js';
import type { PeerName } from '../cases/common.js';
import { BACKEND, supplyWasmConvFilterGradient, wasmState, type TF } from './tfjs-ops.js';

export { peerInfo, tfSync, wasmConvFilterGrad, workarounds, type TF } from './tfjs-ops.js';

let tfModule: TF | undefined;

export async function loadTfjs(): Promise<TF> {
  if (tfModule) return tfModule;
  if (!nodeGpu) throw new Error('gpu-globals did not set navigator.gpu');
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('PROD', true); // no NaN checks / debug-mode overheads
  supplyWasmConvFilterGradient(tf);
  tfModule = tf;
  return tf;
}

/**
 * tfjs-wasm is loaded on first use only: it reads its .wasm files from node_modules, which a bundle
 * (the GPU kit, scripts/gpu-kit.sh) does not carry; the webgpu and cpu peers need none of it.
 */
let wasmLoaded: Promise<() => number> | undefined;
function loadWasm(): Promise<() => number> {
  wasmLoaded ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    return () => wasm.getThreadsCount();
  })();
  return wasmLoaded;
}

/** Switches tfjs to a peer's backend (initialising it on first use). Returns false if unavailable. */
export async function usePeer(tf: TF, peer: PeerName): Promise<boolean> {
  let threads: (() => number) | undefined;
  if (peer === 'tfjs-wasm') {
    try {
      threads = await loadWasm();
    } catch {
      return false;
    }
  }
  const ok = await tf.setBackend(BACKEND[peer]);
  await tf.ready();
  if (ok && threads) wasmState.threads = threads();
  return ok && tf.getBackend() === BACKEND[peer];
}
