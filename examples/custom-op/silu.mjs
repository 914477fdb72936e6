/**
 * An op of one's own, WGSL kernel included: SiLU (x · sigmoid(x)), with its GPU forward and backward,
 * its float64 reference, and the cases it is checked on. `defineOp` puts it in ecgpu's op table, so
 * autograd records its backward like any built-in op's; check-silu.mjs checks it with ecgpu/testing.
 */
import { apply, defineOp, engine, Tensor } from 'ecgpu';
import { mapHost, wgslKernel } from 'ecgpu/testing';

// One WGSL module, two entry points. The engine reflects it (bindings, uniform struct, workgroup size)
// and checks every dispatch against it by name: a missing or misspelt binding throws before the GPU runs.
const SILU = wgslKernel('silu', /* wgsl */ `
struct Params { n: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= params.n) { return; }
  y[i] = x[i] * sigmoid(x[i]);
}

// d/dx [x · s(x)] = s + x · s · (1 − s)
@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= params.n) { return; }
  let s = sigmoid(x[i]);
  dx[i] = dy[i] * (s + x[i] * s * (1.0 - s));
}
`);

const WORKGROUP = 64;

export const siluOp = defineOp({
  name: 'silu',
  forward([x]) {
    const y = Tensor.empty(x.shape);
    engine().dispatch({ family: SILU, entry: 'forward' }, {
      uniforms: { n: x.size },
      bindings: { x, y },
      workgroups: [Math.ceil(x.size / WORKGROUP)],
    });
    return { out: y };
  },
  backward({ inputs: [x], grad }) {
    const dx = Tensor.empty(x.shape);
    engine().dispatch({ family: SILU, entry: 'backward' }, {
      uniforms: { n: x.size },
      bindings: { x, dy: grad, dx },
      workgroups: [Math.ceil(x.size / WORKGROUP)],
    });
    return [dx];
  },
  // What the GPU result is compared with, in float64; the gradient check differentiates it numerically.
  reference: ([x]) => mapHost(x, (v) => v / (1 + Math.exp(-v))),
  cases: [
    { shapes: [[3, 5]], attrs: {} },
    { shapes: [[1]], attrs: {}, label: 'edge: one element' },
    { shapes: [[1000]], attrs: {}, label: 'not a multiple of the workgroup' },
    { shapes: [[4, 6]], attrs: {}, label: 'large inputs', inputs: (rand) => [Array.from({ length: 24 }, () => 40 * rand() - 20)] },
  ],
});

/** silu(x) as a function, differentiable like the built-in ops. */
export const silu = (x) => apply(siluOp, [x], {});
