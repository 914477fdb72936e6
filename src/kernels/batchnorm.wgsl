// Batch normalisation over the channel axis of x viewed as [N, C, HW] (HW = 1 for [N, C] inputs).
//   bn_stats / bn_stats_rows: per-channel batch mean and biased variance (bn_stats: one pass over data
//       shifted by the channel's first value, which keeps precision for large means; rows: two passes);
//       when p.update, also
//       running = (1 − momentum)·running + momentum·stat, with the unbiased variance (M/(M−1)), as PyTorch.
//   bn_apply: y = (x − mean) · rsqrt(var + eps) · gamma + beta.
//   bn_bwd_reduce / _rows: dbeta = Σ g, dgamma = Σ g · x̂.
//   bn_bwd_apply: training dx = gamma·rstd·(g − dbeta/M − x̂·dgamma/M); eval dx = gamma·rstd·g.
// Reductions: one 64-wide workgroup per channel (barriers only in the final tree, never in the loop),
// or, when a channel has few elements (M < 256), one invocation per channel ("rows").
// Element-wise entries: with p.tiles > 0 each workgroup covers TILE elements of one (n, c) plane, so
// the channel and its coefficients are found once per invocation instead of dividing per element
// (integer division is slow on CPU drivers); p.tiles = 0: flat layout for small planes (HW < 128).

struct Params {
  n: u32,
  c: u32,
  hw: u32,
  update: u32,
  momentum: f32,
  eps: f32,
  training: u32,
  tiles: u32,   // element-wise entries: workgroups per (n, c) plane, or 0 for the flat layout
}

@group(0) @binding(0) var<uniform> p: Params;

// bn_stats*: x in; mean, var, running mean, running var out.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(3) var<storage, read_write> varOut: array<f32>;
@group(0) @binding(4) var<storage, read_write> runMean: array<f32>;
@group(0) @binding(5) var<storage, read_write> runVar: array<f32>;

// bn_apply: x, mean, var, gamma, beta in; y out.
@group(0) @binding(2) var<storage, read> meanA: array<f32>;
@group(0) @binding(3) var<storage, read> varA: array<f32>;
@group(0) @binding(4) var<storage, read> gammaA: array<f32>;
@group(0) @binding(5) var<storage, read> betaA: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// bn_bwd_*: g, x, mean, var (, gamma, dgamma, dbeta) in; dgamma, dbeta (or dx) out.
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> xB: array<f32>;
@group(0) @binding(3) var<storage, read> meanB: array<f32>;
@group(0) @binding(4) var<storage, read> varB: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgammaOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbetaOut: array<f32>;
@group(0) @binding(5) var<storage, read> gammaB: array<f32>;
@group(0) @binding(6) var<storage, read> dgammaB: array<f32>;
@group(0) @binding(7) var<storage, read> dbetaB: array<f32>;
@group(0) @binding(8) var<storage, read_write> dx: array<f32>;

const WG: u32 = 64u;
var<workgroup> red: array<vec2<f32>, WG>;

fn wg_sum(lid: u32, v: vec2<f32>) -> vec2<f32> {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn channel_of(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y * nwg.x + wid.x;
}

// Element e of channel c (e < N·HW).
fn at(c: u32, e: u32) -> u32 {
  let nn = e / p.hw;
  return (nn * p.c + c) * p.hw + (e - nn * p.hw);
}

fn finish_stats(c: u32, mean: f32, v: f32) {
  meanOut[c] = mean;
  varOut[c] = v;
  if (p.update != 0u) {
    let m = f32(p.n * p.hw);
    let unbiased = select(v, v * m / (m - 1.0), m > 1.0);
    runMean[c] = (1.0 - p.momentum) * runMean[c] + p.momentum * mean;
    runVar[c] = (1.0 - p.momentum) * runVar[c] + p.momentum * unbiased;
  }
}

@compute @workgroup_size(64)
fn bn_stats(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
            @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = channel_of(wid, nwg);
  if (c >= p.c) { return; }
  let m = p.n * p.hw;
  // One pass over shifted data (shift = the channel's first value): Σ d and Σ d², d = x − shift.
  let shift = x[c * p.hw];
  var acc = vec2<f32>(0.0, 0.0);
  if (p.hw >= WG) {
    for (var nn = 0u; nn < p.n; nn++) {
      let base = (nn * p.c + c) * p.hw;
      for (var k = lid.x; k < p.hw; k += WG) {
        let d = x[base + k] - shift;
        acc += vec2<f32>(d, d * d);
      }
    }
  } else {
    for (var e = lid.x; e < m; e += WG) {
      let d = x[at(c, e)] - shift;
      acc += vec2<f32>(d, d * d);
    }
  }
  let r = wg_sum(lid.x, acc) / f32(m);
  if (lid.x == 0u) { finish_stats(c, shift + r.x, max(r.y - r.x * r.x, 0.0)); }
}

@compute @workgroup_size(64)
fn bn_stats_rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = channel_of(wid, nwg) * WG + lid.x;
  if (c >= p.c) { return; }
  let m = p.n * p.hw;
  var acc = 0.0;
  for (var e = 0u; e < m; e++) { acc += x[at(c, e)]; }
  let mean = acc / f32(m);
  var sq = 0.0;
  for (var e = 0u; e < m; e++) {
    let d = x[at(c, e)] - mean;
    sq += d * d;
  }
  finish_stats(c, mean, sq / f32(m));
}

const PER: u32 = 4u;
const TILE: u32 = 256u;   // WG · PER

@compute @workgroup_size(64)
fn bn_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
            @builtin(num_workgroups) nwg: vec3<u32>) {
  let wg = channel_of(wid, nwg);
  if (p.tiles > 0u) {
    let plane = wg / p.tiles;
    if (plane >= p.n * p.c) { return; }
    let c = plane % p.c;
    let a = inverseSqrt(varA[c] + p.eps) * gammaA[c];
    let b = betaA[c] - meanA[c] * a;
    let base = plane * p.hw;
    let e0 = (wg - plane * p.tiles) * TILE + lid.x;
    for (var k = 0u; k < PER; k++) {
      let e = e0 + k * WG;
      if (e < p.hw) { y[base + e] = x[base + e] * a + b; }
    }
    return;
  }
  let total = p.n * p.c * p.hw;
  let i0 = (wg * WG + lid.x) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < total) {
      let c = (i / p.hw) % p.c;
      let a = inverseSqrt(varA[c] + p.eps) * gammaA[c];
      y[i] = (x[i] - meanA[c]) * a + betaA[c];
    }
  }
}

@compute @workgroup_size(64)
fn bn_bwd_reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = channel_of(wid, nwg);
  if (c >= p.c) { return; }
  let m = p.n * p.hw;
  let mean = meanB[c];
  let rstd = inverseSqrt(varB[c] + p.eps);
  var acc = vec2<f32>(0.0, 0.0);   // (Σ g, Σ g·(x − mean))
  if (p.hw >= WG) {
    for (var nn = 0u; nn < p.n; nn++) {
      let base = (nn * p.c + c) * p.hw;
      for (var k = lid.x; k < p.hw; k += WG) {
        let gv = g[base + k];
        acc += vec2<f32>(gv, gv * (xB[base + k] - mean));
      }
    }
  } else {
    for (var e = lid.x; e < m; e += WG) {
      let i = at(c, e);
      let gv = g[i];
      acc += vec2<f32>(gv, gv * (xB[i] - mean));
    }
  }
  let r = wg_sum(lid.x, acc);
  if (lid.x == 0u) {
    dbetaOut[c] = r.x;
    dgammaOut[c] = r.y * rstd;
  }
}

@compute @workgroup_size(64)
fn bn_bwd_reduce_rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                      @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = channel_of(wid, nwg) * WG + lid.x;
  if (c >= p.c) { return; }
  let m = p.n * p.hw;
  let mean = meanB[c];
  var acc = vec2<f32>(0.0, 0.0);
  for (var e = 0u; e < m; e++) {
    let i = at(c, e);
    let gv = g[i];
    acc += vec2<f32>(gv, gv * (xB[i] - mean));
  }
  dbetaOut[c] = acc.x;
  dgammaOut[c] = acc.y * inverseSqrt(varB[c] + p.eps);
}

// dx = k1·g − k2·x + k0 for channel c (training: the full formula rearranged; eval: k2 = k0 = 0).
fn bwd_coefs(c: u32) -> vec3<f32> {
  let rstd = inverseSqrt(varB[c] + p.eps);
  let k1 = gammaB[c] * rstd;
  if (p.training == 0u) { return vec3<f32>(k1, 0.0, 0.0); }
  let inv_m = 1.0 / f32(p.n * p.hw);
  let k2 = k1 * rstd * dgammaB[c] * inv_m;
  return vec3<f32>(k1, k2, k2 * meanB[c] - k1 * dbetaB[c] * inv_m);
}

@compute @workgroup_size(64)
fn bn_bwd_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let wg = channel_of(wid, nwg);
  if (p.tiles > 0u) {
    let plane = wg / p.tiles;
    if (plane >= p.n * p.c) { return; }
    let k = bwd_coefs(plane % p.c);
    let base = plane * p.hw;
    let e0 = (wg - plane * p.tiles) * TILE + lid.x;
    for (var j = 0u; j < PER; j++) {
      let e = e0 + j * WG;
      if (e < p.hw) { dx[base + e] = k.x * g[base + e] - k.y * xB[base + e] + k.z; }
    }
    return;
  }
  let total = p.n * p.c * p.hw;
  let i0 = (wg * WG + lid.x) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = i0 + j;
    if (i < total) {
      let k = bwd_coefs((i / p.hw) % p.c);
      dx[i] = k.x * g[i] - k.y * xB[i] + k.z;
    }
  }
}
