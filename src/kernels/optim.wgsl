// In-place optimiser updates. Every hyper-parameter is a uniform, so a learning-rate schedule or a new
// step count (Adam's bias correction) needs no new pipeline. Bindings: 0 = the entry's uniform, 1 = grad
// (read), 2 = param (read_write), then the optimiser's state buffers (read_write); launchers bind them
// by these names (src/kernels/contracts.generated.ts).
// Each invocation updates one vec4 (4 consecutive elements): on SwiftShader every storage access at a
// computed index is served lane by lane, so one 16-byte access instead of four 4-byte ones is what makes
// this memory-bound update faster (it was ~20% of a full-size AlexNet step as scalars). `n` counts vec4s:
// tensor buffers come from the pool in 16-byte multiples, so the last vec4 always exists; its lanes past
// the tensor's end hold no tensor data and are updated harmlessly. Grids fold into 2-D (grid1d).

struct SgdParams {
  n: u32,
  lr: f32,
  momentum: f32,
  dampening: f32,
  weight_decay: f32,
  nesterov: u32,
  // 1 on the first step: PyTorch initialises the momentum buffer with the (decayed) gradient itself.
  first: u32,
  _pad: u32,
}

struct AdamParams {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  // 1 - beta^t, computed on the host in float64.
  bc1: f32,
  bc2: f32,
  // 1: AdamW (p *= 1 - lr·wd before the update); 0: Adam (wd·p added to the gradient).
  decoupled: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> sp: SgdParams;
@group(0) @binding(0) var<uniform> ap: AdamParams;
@group(0) @binding(1) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> state1: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> state2: array<vec4<f32>>;

const WG: u32 = 64u;

fn vec_index(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid.x;
}

// SGD without momentum: p -= lr·(g + wd·p).
@compute @workgroup_size(64)
fn sgd_plain(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = vec_index(wid, lid, nwg);
  if (i >= sp.n) { return; }
  let p = param[i];
  param[i] = p - sp.lr * (grad[i] + sp.weight_decay * p);
}

// SGD with momentum (PyTorch): d = g + wd·p; v = μ·v + (1 - dampening)·d (v = d on the first step);
// p -= lr·(nesterov ? d + μ·v : v).
@compute @workgroup_size(64)
fn sgd_momentum(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = vec_index(wid, lid, nwg);
  if (i >= sp.n) { return; }
  let p = param[i];
  let d = grad[i] + sp.weight_decay * p;
  var v = d;
  if (sp.first == 0u) { v = sp.momentum * state1[i] + (1.0 - sp.dampening) * d; }
  state1[i] = v;
  var step = v;
  if (sp.nesterov != 0u) { step = d + sp.momentum * v; }
  param[i] = p - sp.lr * step;
}

// Adam / AdamW with bias correction: m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
// p -= lr · (m / bc1) / (sqrt(v / bc2) + eps).
@compute @workgroup_size(64)
fn adam(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = vec_index(wid, lid, nwg);
  if (i >= ap.n) { return; }
  var p = param[i];
  var g = grad[i];
  if (ap.decoupled != 0u) {
    p = p * (1.0 - ap.lr * ap.weight_decay);
  } else {
    g = g + ap.weight_decay * p;
  }
  let m = ap.beta1 * state1[i] + (1.0 - ap.beta1) * g;
  let v = ap.beta2 * state2[i] + (1.0 - ap.beta2) * g * g;
  state1[i] = m;
  state2[i] = v;
  param[i] = p - ap.lr * (m / ap.bc1) / (sqrt(v / ap.bc2) + ap.eps);
}
