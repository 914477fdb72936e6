// Sum over the middle axis of a tensor viewed as [outer, red, inner]: out[o, i] = sum_r x[o, r, i] * scale.
// Two strategies, picked by the launcher:
//   sum_middle:        one workgroup per output; 64 invocations stride over `red` and combine partial sums
//                      in workgroup memory (a tree). For few outputs with a long reduction (a loss mean).
//   sum_middle_serial: one invocation per output, a plain loop over `red`; neighbouring invocations read
//                      neighbouring addresses. For many outputs (bias gradients, split-K partial sums),
//                      where the tree's barriers would cost far more than the additions (SwiftShader).

struct Params {
  outer: u32,
  red: u32,
  inner: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(64)
fn sum_middle(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let o_i = wid.y * nwg.x + wid.x;
  let valid = o_i < p.outer * p.inner;
  let o = o_i / max(p.inner, 1u);
  let i = o_i % max(p.inner, 1u);
  var acc = 0.0;
  if (valid) {
    let base = o * p.red * p.inner + i;
    for (var r = lid.x; r < p.red; r += WG) {
      acc += x[base + r * p.inner];
    }
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (valid && lid.x == 0u) { out[o_i] = partial[0] * p.scale; }
}

@compute @workgroup_size(64)
fn sum_middle_serial(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o_i = gid.y * nwg.x * 64u + gid.x;
  if (o_i >= p.outer * p.inner) { return; }
  let o = o_i / p.inner;
  let i = o_i % p.inner;
  let base = o * p.red * p.inner + i;
  var acc = 0.0;
  for (var r = 0u; r < p.red; r++) {
    acc += x[base + r * p.inner];
  }
  out[o_i] = acc * p.scale;
}
