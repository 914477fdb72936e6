// Local response normalisation across channels, PyTorch's convention (torch.nn.LocalResponseNorm):
//   s_c = k + (alpha / size) · Σ_{c' = c − ⌊size/2⌋}^{c + ⌊(size−1)/2⌋} a_{c'}²   (out-of-range channels are 0)
//   b_c = a_c · s_c^(−beta)
// Backward (A = ⌊(size−1)/2⌋, B = ⌊size/2⌋, so j ∈ window(c) ⇔ c ∈ [j − A, j + B]):
//   da_j = g_j · s_j^(−beta) − (2·alpha·beta / size) · a_j · Σ_{c = j − A}^{j + B} g_c · a_c · s_c^(−beta−1)
// One invocation per (n, h, w) column walks the channels with running window sums: O(1) work per
// element (O(size) for any window sum), and neighbouring invocations read neighbouring addresses.
// The forward saves s for the backward. s^(−beta) is one pow per element (or, with BETA_075 baked in
// for AlexNet's beta = 0.75, rsqrt(s)·sqrt(rsqrt(s)): far cheaper than exp2/log2 on CPU drivers).
// lrn_bwd_ring keeps the window's t and g·s^(−beta) in a 16-entry ring (size ≤ 15): one pow per
// element; lrn_bwd (any size) recomputes t when it leaves the window.

struct Params {
  n: u32,
  c: u32,
  hw: u32,
  size: u32,
  alpha: f32,   // alpha / size
  beta: f32,
  k: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
// lrn_fwd: x in; y, s out.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
// lrn_bwd: x, s, g in; dx out.
@group(0) @binding(2) var<storage, read> sIn: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override BETA_075: bool = false;

// s^(−beta), s > 0.
fn neg_pow(sc: f32) -> f32 {
  if (BETA_075) {
    let r = inverseSqrt(sc);
    return r * sqrt(r);
  }
  return pow(sc, -p.beta);
}

fn column(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
}

@compute @workgroup_size(64)
fn lrn_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let col = column(wid, lid, nwg);
  if (col >= p.n * p.hw) { return; }
  let nn = col / p.hw;
  let base = nn * p.c * p.hw + (col - nn * p.hw);
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  // sum = Σ a² over [c − B, c + A]: start with [0, A) and slide.
  var sum = 0.0;
  for (var c = 0u; c < min(A, p.c); c++) {
    let v = x[base + c * p.hw];
    sum += v * v;
  }
  for (var c = 0u; c < p.c; c++) {
    if (c + A < p.c) {
      let v = x[base + (c + A) * p.hw];
      sum += v * v;
    }
    let i = base + c * p.hw;
    let sc = p.k + p.alpha * max(sum, 0.0);
    s[i] = sc;
    y[i] = x[i] * neg_pow(sc);
    if (c >= B) {
      let v = x[base + (c - B) * p.hw];
      sum -= v * v;
    }
  }
}

fn t_at(i: u32) -> f32 {
  let sc = sIn[i];
  return g[i] * x[i] * neg_pow(sc) / sc;
}

@compute @workgroup_size(64)
fn lrn_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let col = column(wid, lid, nwg);
  if (col >= p.n * p.hw) { return; }
  let nn = col / p.hw;
  let base = nn * p.c * p.hw + (col - nn * p.hw);
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  // sum = Σ t over [j − A, j + B]: start with [0, B) and slide.
  var sum = 0.0;
  for (var c = 0u; c < min(B, p.c); c++) { sum += t_at(base + c * p.hw); }
  let coef = 2.0 * p.alpha * p.beta;
  for (var j = 0u; j < p.c; j++) {
    if (j + B < p.c) { sum += t_at(base + (j + B) * p.hw); }
    let i = base + j * p.hw;
    dx[i] = g[i] * neg_pow(sIn[i]) - coef * x[i] * sum;
    if (j >= A) { sum -= t_at(base + (j - A) * p.hw); }
  }
}

@compute @workgroup_size(64)
fn lrn_bwd_ring(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let col = column(wid, lid, nwg);
  if (col >= p.n * p.hw) { return; }
  let nn = col / p.hw;
  let base = nn * p.c * p.hw + (col - nn * p.hw);
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  let coef = 2.0 * p.alpha * p.beta;
  var ring_t: array<f32, 16>;   // t_c = g_c · a_c · s_c^(−beta−1)
  var ring_u: array<f32, 16>;   // u_c = g_c · s_c^(−beta)
  var sum = 0.0;                // Σ t over [j − A, j + B] once channel c = j + B is in
  for (var c = 0u; c < p.c + B; c++) {
    if (c < p.c) {
      let i = base + c * p.hw;
      let sc = sIn[i];
      let u = g[i] * neg_pow(sc);
      let t = u * x[i] / sc;
      ring_t[c & 15u] = t;
      ring_u[c & 15u] = u;
      sum += t;
    }
    if (c >= B) {
      let j = c - B;
      if (j >= A + 1u) { sum -= ring_t[(j - A - 1u) & 15u]; }
      let i = base + j * p.hw;
      dx[i] = ring_u[j & 15u] - coef * x[i] * sum;
    }
  }
}
