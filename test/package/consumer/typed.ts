// A TypeScript consumer of the installed package, type-checked with `tsc --strict` by
// test/package/pack-install.test.ts. The @ts-expect-error lines fail the check if the types are `any`.
import { init, matmul, relu, Tensor, tidy, NoAdapterError, type AdapterDescription, type Engine, type Shape } from 'ecgpu';

export async function forward(a: number[], b: number[]): Promise<Float32Array> {
  let engine: Engine;
  try {
    engine = await init();
  } catch (e) {
    if (e instanceof NoAdapterError) throw new Error(`no WebGPU adapter: ${e.message}`);
    throw e;
  }
  const adapter: AdapterDescription = engine.adapter;
  const device: GPUDevice = engine.device;
  const shapeA: Shape = [2, 3];
  const y: Tensor = tidy(() => relu(matmul(Tensor.from(a, shapeA), Tensor.from(b, [3, 2]))));
  const out = await y.read();
  y.dispose();
  console.log(adapter.adapterClass, device.limits.maxBufferSize);
  return out;
}

// @ts-expect-error a shape holds numbers
Tensor.from([1], ['1']);
// @ts-expect-error read() resolves to a Float32Array, not a string
export const wrong: Promise<string> = Tensor.from([1], [1]).read();
