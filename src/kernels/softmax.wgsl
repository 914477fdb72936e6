// Row-wise softmax over the last axis of x viewed as [rows, k], and softmax cross-entropy.
// One invocation per row for the row reductions (k is a class count: small), one per element for
// the cross-entropy gradient. Numerically stable: the row maximum is subtracted before exp.
//   softmax_fwd: y = exp(x − max) / Σ exp(x − max)
//   softmax_bwd: dx = y · (g − Σ g·y)
//   ce_fwd:      probs = softmax(logits); loss[n] = log Σ exp(x − max) + max − x[label]
//   ce_bwd:      dlogits = (probs − onehot(label)) · g[n · gstride] · scale
// Labels outside [0, k) contribute no one-hot term (PyTorch rejects them).

struct Params {
  rows: u32,
  k: u32,
  gstride: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
// softmax_fwd
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// softmax_bwd: y, g in
@group(0) @binding(2) var<storage, read> g2: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx3: array<f32>;
// ce_fwd: logits, labels in; probs, losses out
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;
// ce_bwd: probs, labels, g in; dlogits out
@group(0) @binding(3) var<storage, read> g3: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx4: array<f32>;

fn invocation(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
}

fn row_max(base: u32) -> f32 {
  var m = x[base];
  for (var j = 1u; j < p.k; j++) { m = max(m, x[base + j]); }
  return m;
}

@compute @workgroup_size(64)
fn softmax_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = invocation(wid, lid, nwg);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  let m = row_max(base);
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let e = exp(x[base + j] - m);
    y[base + j] = e;
    s += e;
  }
  let inv = 1.0 / s;
  for (var j = 0u; j < p.k; j++) { y[base + j] *= inv; }
}

@compute @workgroup_size(64)
fn softmax_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = invocation(wid, lid, nwg);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  var dot = 0.0;
  for (var j = 0u; j < p.k; j++) { dot += x[base + j] * g2[base + j]; }
  for (var j = 0u; j < p.k; j++) { dx3[base + j] = x[base + j] * (g2[base + j] - dot); }
}

@compute @workgroup_size(64)
fn ce_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = invocation(wid, lid, nwg);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  let m = row_max(base);
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let e = exp(x[base + j] - m);
    probs[base + j] = e;
    s += e;
  }
  let inv = 1.0 / s;
  for (var j = 0u; j < p.k; j++) { probs[base + j] *= inv; }
  let label = labels[r];
  var picked = m;   // invalid label: no one-hot term, loss = log Σ exp
  if (label >= 0 && u32(label) < p.k) { picked = x[base + u32(label)]; }
  losses[r] = log(s) + m - picked;
}

@compute @workgroup_size(64)
fn ce_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = invocation(wid, lid, nwg);
  if (i >= p.rows * p.k) { return; }
  let r = i / p.k;
  let j = i - r * p.k;
  let onehot = select(0.0, 1.0, labels[r] == i32(j));
  dx4[i] = (x[i] - onehot) * g3[r * p.gstride] * p.scale;
}
