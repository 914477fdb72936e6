/**
 * Must be imported BEFORE any tfjs module: tfjs-backend-webgpu registers its backend at import time
 * only when `navigator.gpu` exists, and reads the `GPUBufferUsage`/`GPUMapMode`/... globals.
 *
 * We give it Dawn's `navigator.gpu` from the npm `webgpu` package, on the same adapter ecgpu uses:
 * on a machine without a GPU driver Dawn finds no adapter, and (like src/engine/device.ts) we point
 * the Vulkan loader at SwiftShader before creating the instance. The object returned by `create([])`
 * is kept in a module-level constant for the whole run: when it is garbage collected Dawn tears the
 * instance down and later calls segfault.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';
import { SWIFTSHADER_ICD_PATHS } from '../../src/engine/device.js';

process.env.XDG_RUNTIME_DIR ??= tmpdir();
Object.assign(globalThis, globals);

const keepAlive: GPU[] = [];

async function findGpu(): Promise<GPU> {
  let gpu = create([]);
  keepAlive.push(gpu);
  const wantSwiftShader = process.env.ECGPU_ADAPTER === 'swiftshader';
  const icd = SWIFTSHADER_ICD_PATHS.find((p) => existsSync(p));
  const adapter = wantSwiftShader ? null : await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && icd && !process.env.VK_ICD_FILENAMES) {
    process.env.VK_ICD_FILENAMES = icd;
    gpu = create([]);
    keepAlive.push(gpu);
  }
  return gpu;
}

export const nodeGpu: GPU = await findGpu();
(globalThis as unknown as { navigator: { gpu: GPU } }).navigator = { gpu: nodeGpu };
/** Referenced so bundlers and tree-shaking keep the instances alive. */
export const liveGpuInstances = keepAlive;
