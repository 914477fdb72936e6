// Batch normalisation over the channel axis of x viewed as [N, C, HW] (HW = 1 for [N, C] inputs).
//   bn_stats / bn_stats_rows: per-channel batch mean and biased variance (bn_stats: one pass over data
//       shifted by the channel's first value, which keeps precision for large means; rows: two passes);
//       when p.update, also
//       running = (1 − momentum)·running + momentum·stat, with the unbiased variance (M/(M−1)), as PyTorch.
//   bn_apply: y = (x − mean) · rsqrt(var + eps) · gamma + beta.
//   bn_bwd_reduce / _rows: dbeta = Σ g, dgamma = Σ g · x̂, and per channel the coefficients of
//       dx = k1·g − k2·x + k0, the training formula gamma·rstd·(g − dbeta/M − x̂·dgamma/M) rearranged
//       (eval: dx = gamma·rstd·g, k2 = k0 = 0), so that bn_bwd_apply reads 3 values per element.
// Reductions: one 64-wide workgroup per channel (barriers only in the final tree, never in the loop),
// or, when a channel has few elements (M < 256), one invocation per channel ("rows").
// Element-wise entries: bn_apply4 / bn_bwd_apply4 take one vec4 per invocation (sizes divisible by 4;
// ~2× faster than scalar on SwiftShader) and find the channel with one division unless the four
// elements straddle a plane boundary; bn_apply / bn_bwd_apply: PER scalars per invocation, any size.

struct Params {
  n: u32,
  c: u32,
  hw: u32,
  update: u32,
  momentum: f32,
  eps: f32,
  training: u32,
  _pad: u32,
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

// bn_bwd_reduce*: g, x, mean, var, gamma in; dgamma, dbeta and the per-channel coefficients of
// dx = k1·g − k2·x + k0 out (coef = [k1 | k2 | k0], 3·C values).
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> xB: array<f32>;
@group(0) @binding(3) var<storage, read> meanB: array<f32>;
@group(0) @binding(4) var<storage, read> varB: array<f32>;
@group(0) @binding(5) var<storage, read> gammaB: array<f32>;
@group(0) @binding(6) var<storage, read_write> dgammaOut: array<f32>;
@group(0) @binding(7) var<storage, read_write> dbetaOut: array<f32>;
@group(0) @binding(8) var<storage, read_write> coefOut: array<f32>;
// bn_bwd_apply*: g, x, coef in; dx out.
@group(0) @binding(3) var<storage, read> coef: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

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

@group(0) @binding(1) var<storage, read> xv: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> yv: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> gv4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> xBv: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> dxv: array<vec4<f32>>;

// Channels of elements i..i+3.
fn channels4(i: u32) -> vec4<u32> {
  let pl = i / p.hw;
  let c0 = pl % p.c;
  if (i - pl * p.hw + 3u < p.hw) { return vec4<u32>(c0); }
  return vec4<u32>(c0, ((i + 1u) / p.hw) % p.c, ((i + 2u) / p.hw) % p.c, ((i + 3u) / p.hw) % p.c);
}

// y = x·a + b per channel: a = rsqrt(var + eps)·gamma, b = beta − mean·a.
fn apply_coefs(c: u32) -> vec2<f32> {
  let a = inverseSqrt(varA[c] + p.eps) * gammaA[c];
  return vec2<f32>(a, betaA[c] - meanA[c] * a);
}

@compute @workgroup_size(64)
fn bn_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
            @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.n * p.c * p.hw;
  let i0 = (channel_of(wid, nwg) * WG + lid.x) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < total) {
      let ab = apply_coefs((i / p.hw) % p.c);
      y[i] = x[i] * ab.x + ab.y;
    }
  }
}

@compute @workgroup_size(64)
fn bn_apply4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = channel_of(wid, nwg) * WG + lid.x;
  if (q >= p.n * p.c * p.hw / 4u) { return; }
  let c = channels4(4u * q);
  let k0 = apply_coefs(c.x);
  var a = vec4<f32>(k0.x);
  var b = vec4<f32>(k0.y);
  if (any(c != vec4<u32>(c.x))) {
    let k1 = apply_coefs(c.y);
    let k2 = apply_coefs(c.z);
    let k3 = apply_coefs(c.w);
    a = vec4<f32>(k0.x, k1.x, k2.x, k3.x);
    b = vec4<f32>(k0.y, k1.y, k2.y, k3.y);
  }
  yv[q] = xv[q] * a + b;
}

// sums = (Σ g, Σ g·(x − mean)) of channel c.
fn finish_bwd(c: u32, sums: vec2<f32>) {
  let rstd = inverseSqrt(varB[c] + p.eps);
  let dgamma = sums.y * rstd;
  dbetaOut[c] = sums.x;
  dgammaOut[c] = dgamma;
  let k1 = gammaB[c] * rstd;
  var k2 = 0.0;
  var k0 = 0.0;
  if (p.training != 0u) {
    let inv_m = 1.0 / f32(p.n * p.hw);
    k2 = k1 * rstd * dgamma * inv_m;
    k0 = k2 * meanB[c] - k1 * sums.x * inv_m;
  }
  coefOut[c] = k1;
  coefOut[p.c + c] = k2;
  coefOut[2u * p.c + c] = k0;
}

@compute @workgroup_size(64)
fn bn_bwd_reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = channel_of(wid, nwg);
  if (c >= p.c) { return; }
  let m = p.n * p.hw;
  let mean = meanB[c];
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
  if (lid.x == 0u) { finish_bwd(c, r); }
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
  finish_bwd(c, acc);
}

fn bwd_coefs(c: u32) -> vec3<f32> {
  return vec3<f32>(coef[c], coef[p.c + c], coef[2u * p.c + c]);
}

@compute @workgroup_size(64)
fn bn_bwd_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.n * p.c * p.hw;
  let i0 = (channel_of(wid, nwg) * WG + lid.x) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = i0 + j;
    if (i < total) {
      let k = bwd_coefs((i / p.hw) % p.c);
      dx[i] = k.x * g[i] - k.y * xB[i] + k.z;
    }
  }
}

@compute @workgroup_size(64)
fn bn_bwd_apply4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = channel_of(wid, nwg) * WG + lid.x;
  if (q >= p.n * p.c * p.hw / 4u) { return; }
  let c = channels4(4u * q);
  let k0 = bwd_coefs(c.x);
  var k1 = vec4<f32>(k0.x);
  var k2 = vec4<f32>(k0.y);
  var kc = vec4<f32>(k0.z);
  if (any(c != vec4<u32>(c.x))) {
    let a = bwd_coefs(c.y);
    let b = bwd_coefs(c.z);
    let d = bwd_coefs(c.w);
    k1 = vec4<f32>(k0.x, a.x, b.x, d.x);
    k2 = vec4<f32>(k0.y, a.y, b.y, d.y);
    kc = vec4<f32>(k0.z, a.z, b.z, d.z);
  }
  dxv[q] = k1 * gv4[q] - k2 * xBv[q] + kc;
}
