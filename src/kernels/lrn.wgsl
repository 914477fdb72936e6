// Local response normalisation across channels, PyTorch's convention (torch.nn.LocalResponseNorm):
//   s_c = k + (alpha / size) · Σ_{c' = c − ⌊size/2⌋}^{c + ⌊(size−1)/2⌋} a_{c'}²   (out-of-range channels are 0)
//   b_c = a_c · s_c^(−beta)
// Backward (A = ⌊(size−1)/2⌋, B = ⌊size/2⌋, so j ∈ window(c) ⇔ c ∈ [j − A, j + B]):
//   da_j = g_j · s_j^(−beta) − (2·alpha·beta / size) · a_j · Σ_{c = j − A}^{j + B} t_c,  t_c = g_c · a_c · s_c^(−beta−1)
// One invocation per (n, h, w) column walks the channels with running window sums: O(1) work per
// element, and neighbouring invocations read neighbouring addresses. Nothing is saved between forward
// and backward: the backward recomputes s with the same running sum (cheaper than storing and
// re-reading a tensor the size of the input).
// s^(−beta) is one pow per element or, with BETA_075 baked in for AlexNet's beta = 0.75,
// rsqrt(s)·sqrt(rsqrt(s)), far cheaper than exp2/log2 on CPU drivers.
// lrn_bwd_ring keeps the window's t and g·s^(−beta) in a 16-entry ring (size ≤ 15): one pow per element.
// lrn_bwd (any size) recomputes each window sum directly: O(size) per element.

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
// lrn_fwd: x in, y out.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// lrn_bwd*: x, g in; dx out.
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override BETA_075: bool = false;

// s^(−beta), s > 0.
fn neg_pow(sc: f32) -> f32 {
  if (BETA_075) {
    let r = inverseSqrt(sc);
    return r * sqrt(r);
  }
  return pow(sc, -p.beta);
}

fn column_base(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  let col = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (col >= p.n * p.hw) { return 0xffffffffu; }
  let nn = col / p.hw;
  return nn * p.c * p.hw + (col - nn * p.hw);
}

fn sq(v: f32) -> f32 { return v * v; }

@compute @workgroup_size(64)
fn lrn_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = column_base(wid, lid, nwg);
  if (base == 0xffffffffu) { return; }
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  // sum = Σ a² over [c − B, c + A]: start with [0, A) and slide.
  var sum = 0.0;
  for (var c = 0u; c < min(A, p.c); c++) { sum += sq(x[base + c * p.hw]); }
  for (var c = 0u; c < p.c; c++) {
    if (c + A < p.c) { sum += sq(x[base + (c + A) * p.hw]); }
    let i = base + c * p.hw;
    y[i] = x[i] * neg_pow(p.k + p.alpha * max(sum, 0.0));
    if (c >= B) { sum -= sq(x[base + (c - B) * p.hw]); }
  }
}

@compute @workgroup_size(64)
fn lrn_bwd_ring(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = column_base(wid, lid, nwg);
  if (base == 0xffffffffu) { return; }
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  let coef = 2.0 * p.alpha * p.beta;
  var ring_t: array<f32, 16>;   // t_c = g_c · a_c · s_c^(−beta−1)
  var ring_u: array<f32, 16>;   // u_c = g_c · s_c^(−beta)
  var sqsum = 0.0;              // Σ a² over [c − B, c + A], as in the forward
  for (var c = 0u; c < min(A, p.c); c++) { sqsum += sq(x[base + c * p.hw]); }
  var sum = 0.0;                // Σ t over [j − A, j + B] once channel c = j + B is in
  for (var c = 0u; c < p.c + B; c++) {
    if (c < p.c) {
      if (c + A < p.c) { sqsum += sq(x[base + (c + A) * p.hw]); }
      let i = base + c * p.hw;
      let sc = p.k + p.alpha * max(sqsum, 0.0);
      let u = g[i] * neg_pow(sc);
      let t = u * x[i] / sc;
      ring_t[c & 15u] = t;
      ring_u[c & 15u] = u;
      sum += t;
      if (c >= B) { sqsum -= sq(x[base + (c - B) * p.hw]); }
    }
    if (c >= B) {
      let j = c - B;
      if (j >= A + 1u) { sum -= ring_t[(j - A - 1u) & 15u]; }
      let i = base + j * p.hw;
      dx[i] = ring_u[j & 15u] - coef * x[i] * sum;
    }
  }
}

// s at channel c of the column at `base`, summed directly.
fn s_at(base: u32, c: u32) -> f32 {
  let lo = max(i32(c) - i32(p.size / 2u), 0);
  let hi = min(c + (p.size - 1u) / 2u, p.c - 1u);
  var sum = 0.0;
  for (var cc = u32(lo); cc <= hi; cc++) { sum += sq(x[base + cc * p.hw]); }
  return p.k + p.alpha * sum;
}

@compute @workgroup_size(64)
fn lrn_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = column_base(wid, lid, nwg);
  if (base == 0xffffffffu) { return; }
  let A = (p.size - 1u) / 2u;
  let B = p.size / 2u;
  let coef = 2.0 * p.alpha * p.beta;
  for (var j = 0u; j < p.c; j++) {
    var sum = 0.0;
    for (var c = u32(max(i32(j) - i32(A), 0)); c <= min(j + B, p.c - 1u); c++) {
      let i = base + c * p.hw;
      let sc = s_at(base, c);
      sum += g[i] * x[i] * neg_pow(sc) / sc;
    }
    let i = base + j * p.hw;
    dx[i] = g[i] * neg_pow(s_at(base, j)) - coef * x[i] * sum;
  }
}
