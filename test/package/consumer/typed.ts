// A TypeScript consumer of the installed package, type-checked with `tsc --strict` by
// test/package/pack-install.test.ts. The @ts-expect-error lines fail the check if the types are `any`.
import { init, matmul, relu, Tensor, tidy, NoAdapterError, defineOp, engine, type AdapterDescription, type Engine, type Shape } from 'ecgpu';
import { checkOp, mapHost, wgslKernel, type OpCheckReport } from 'ecgpu/testing';

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

// An op of one's own through ecgpu/testing: the spec from defineOp is what checkOp takes.
const double = wgslKernel('double', `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&x)) { y[id.x] = 2.0 * x[id.x]; }
}`);
const doubleOp = defineOp({
  name: 'double',
  forward: ([x]) => {
    const y = Tensor.empty(x.shape);
    engine().dispatch({ family: double, entry: 'main' }, { bindings: { x, y }, workgroups: [Math.ceil(x.size / 64)] });
    return { out: y };
  },
  reference: ([x]) => mapHost(x, (v) => 2 * v),
  cases: [{ shapes: [[64]], attrs: {} }],
});
export const report: Promise<OpCheckReport> = checkOp(doubleOp);
// @ts-expect-error checkOp resolves to a report, not a boolean
export const notBoolean: Promise<boolean> = checkOp(doubleOp);
