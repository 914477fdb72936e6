// Element-wise maps over equal-sized buffers: map_unary out = f(a) (and fills), map_binary out = f(a, b).
// The two entry points bind different buffers at binding 2 (unary: its output; binary: its second input):
// a module may do that as long as no single entry point uses both.
// Each invocation handles ELEMS_PER_THREAD consecutive elements; grids are 2-D so that large tensors
// fit WebGPU's 65535-workgroups-per-dimension limit.

struct Params {
  n: u32,
  alpha: f32,
  beta: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

// Which function: baked per pipeline so the switch folds away.
override OP: u32 = 0u;
const ELEMS_PER_THREAD: u32 = 4u;

fn unary(x: f32) -> f32 {
  switch OP {
    case 0u: { return max(x, 0.0); }                 // relu
    case 1u: { return p.alpha * x + p.beta; }         // affine (scale, shift, negate)
    case 2u: { return exp(x); }
    case 3u: { return log(x); }
    case 4u: { return 1.0 / (1.0 + exp(-x)); }       // sigmoid
    case 5u: { return sqrt(x); }
    case 6u: { return x * x; }
    case 7u: { return p.alpha; }                      // fill
    default: { return x; }
  }
}

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

fn first_index(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return ((wid.y * nwg.x + wid.x) * 64u + lid.x) * ELEMS_PER_THREAD;
}

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> binary_out: array<f32>;

@compute @workgroup_size(64)
fn map_unary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = first_index(wid, lid, nwg);
  for (var k = 0u; k < ELEMS_PER_THREAD; k++) {
    let i = i0 + k;
    if (i < p.n) { out[i] = unary(a[i]); }
  }
}

@compute @workgroup_size(64)
fn map_binary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = first_index(wid, lid, nwg);
  for (var k = 0u; k < ELEMS_PER_THREAD; k++) {
    let i = i0 + k;
    if (i < p.n) { binary_out[i] = binary(a[i], b[i]); }
  }
}
