// Sigmoid binary cross-entropy on logits (the multi-label loss): one invocation per element of
// logits x [N, K] and targets t [N, K] (t in [0, 1]: 0/1 labels or smoothed ones).
//   bce_fwd: loss = max(x, 0) − x·t + log(1 + exp(−|x|))   (= −t·log σ(x) − (1−t)·log(1−σ(x)), without
//            overflow for large |x|: exp only ever sees a non-positive argument)
//   bce_bwd: dx = (σ(x) − t) · g[i · gstride] · scale
// gstride 0: one upstream gradient for every element (reduced loss); 1: one per element.

struct Params {
  size: u32,
  gstride: u32,
  scale: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> t: array<f32>;
// bce_fwd
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
// bce_bwd
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn invocation(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
}

fn sigmoid(v: f32) -> f32 {
  // Stable on both sides: exp of a non-positive number only.
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
}

@compute @workgroup_size(64)
fn bce_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = invocation(wid, lid, nwg);
  if (i >= p.size) { return; }
  let v = x[i];
  losses[i] = max(v, 0.0) - v * t[i] + log(1.0 + exp(-abs(v)));
}

@compute @workgroup_size(64)
fn bce_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = invocation(wid, lid, nwg);
  if (i >= p.size) { return; }
  dx[i] = (sigmoid(x[i]) - t[i]) * g[i * p.gstride] * p.scale;
}
