// Element-wise binary maps out = f(a, b) over equal-sized buffers (see elementwise.wgsl for the layout).

struct Params {
  n: u32,
  alpha: f32,
  beta: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override OP: u32 = 0u;
const ELEMS_PER_THREAD: u32 = 4u;

fn binary(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return select(0.0, y, x > 0.0); }      // relu backward: x = relu input/output, y = grad
    case 5u: { return y * x * (1.0 - x); }            // sigmoid backward: x = sigmoid output, y = grad
    case 6u: { return p.alpha * x + p.beta * y; }     // axpby
    default: { return x; }
  }
}

@compute @workgroup_size(64)
fn map_binary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = ((wid.y * nwg.x + wid.x) * 64u + lid.x) * ELEMS_PER_THREAD;
  for (var k = 0u; k < ELEMS_PER_THREAD; k++) {
    let i = i0 + k;
    if (i < p.n) { out[i] = binary(a[i], b[i]); }
  }
}
