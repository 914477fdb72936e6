// 2-D convolution, NCHW, weights [Cout, Cin, KH, KW], groups = 1, as implicit GEMMs (no im2col buffer).
// Kernel size, stride and padding are baked in as override constants (so the tap loops unroll and the
// index arithmetic by stride is by constants); channel counts and spatial sizes come from the uniform.
//
// Like gemm_reg, every invocation keeps a 4×4 block of its GEMM's output in four vec4 registers
// (SwiftShader runs invocations as 4-wide SIMD lanes; bigger blocks spill), with no workgroup memory.
//
//   conv_forward:   y[n,co,oy,ox] = b[co] + Σ_{ci,ky,kx} w[co,ci,ky,kx] · x[n,ci,oy·S-P+ky,ox·S-P+kx]
//                   GEMM rows = co (4 per invocation), columns = flattened (n,oy,ox) (4 consecutive).
//   conv_backward_data: dx[n,ci,iy,ix] = Σ_{co,ky,kx} w[co,ci,ky,kx] · dy[n,co,(iy+P-ky)/S,(ix+P-kx)/S]
//                   over the taps where the division is exact and in range. Rows = ci, columns = (n,iy,ix).
//   conv_backward_weights: dw[co,ci,ky,kx] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n,ci,oy·S-P+ky,ox·S-P+kx]
//                   Rows = co, columns = flattened taps (ci,ky,kx), reduction over (n,oy,ox), optionally
//                   split over n into SPLIT partial sums (summed by the launcher) for parallelism.
//   conv_bias_grad: db[co] = Σ_{n,oy,ox} dy[n,co,oy,ox].

struct Params {
  N: u32,
  Cin: u32,
  H: u32,
  W: u32,
  Cout: u32,
  OH: u32,
  OW: u32,
  nPerSplit: u32, // backward weights: images per split
}

override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override PH: u32 = 0u;
override PW: u32 = 0u;
override HAS_BIAS: bool = false;
override RELU: bool = false;

@group(0) @binding(0) var<uniform> p: Params;

// conv_forward: reads x, w, bias; writes y
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read> Bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

const WGX: u32 = 8u;
const WGY: u32 = 4u;

struct Pos {
  base: i32, // index of x[n, 0, iy0, ix0] (may be negative: padding)
  iy0: i32,
  ix0: i32,
}

fn outPos(q: u32) -> Pos {
  let ohw = p.OH * p.OW;
  let n = q / ohw;
  let r = q - n * ohw;
  let oy = r / p.OW;
  let ox = r - oy * p.OW;
  let iy0 = i32(oy * SH) - i32(PH);
  let ix0 = i32(ox * SW) - i32(PW);
  return Pos(i32(n * p.Cin * p.H * p.W) + iy0 * i32(p.W) + ix0, iy0, ix0);
}

fn xAt(ps: Pos, off: i32, ky: u32, kx: u32) -> f32 {
  let iy = ps.iy0 + i32(ky);
  let ix = ps.ix0 + i32(kx);
  let ok = u32(iy) < p.H && u32(ix) < p.W;
  return select(0.0, X[u32(max(ps.base + off, 0))], ok);
}

fn storeY(co: u32, q0: u32, v: vec4<f32>) {
  if (co >= p.Cout) { return; }
  let ohw = p.OH * p.OW;
  let total = p.N * ohw;
  for (var j = 0u; j < 4u; j++) {
    let q = q0 + j;
    if (q >= total) { return; }
    let n = q / ohw;
    var r = v[j];
    if (HAS_BIAS) { r += Bias[co]; }
    if (RELU) { r = max(r, 0.0); }
    Y[(n * p.Cout + co) * ohw + (q - n * ohw)] = r;
  }
}

@compute @workgroup_size(WGX, WGY)
fn conv_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.N * p.OH * p.OW;
  let q0 = ((wid.z * nwg.x + wid.x) * WGX + lid.x) * 4u;
  let co0 = (wid.y * WGY + lid.y) * 4u;
  if (q0 >= total || co0 >= p.Cout) { return; }
  let P0 = outPos(q0);
  let P1 = outPos(min(q0 + 1u, total - 1u));
  let P2 = outPos(min(q0 + 2u, total - 1u));
  let P3 = outPos(min(q0 + 3u, total - 1u));
  let kk = KH * KW;
  let wRow = p.Cin * kk;
  let w0 = co0 * wRow;
  let w1 = min(co0 + 1u, p.Cout - 1u) * wRow;
  let w2 = min(co0 + 2u, p.Cout - 1u) * wRow;
  let w3 = min(co0 + 3u, p.Cout - 1u) * wRow;
  let hw = p.H * p.W;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var ci = 0u; ci < p.Cin; ci++) {
    for (var ky = 0u; ky < KH; ky++) {
      let off = i32(ci * hw + ky * p.W);
      let wt = ci * kk + ky * KW;
      for (var kx = 0u; kx < KW; kx++) {
        let xv = vec4(xAt(P0, off + i32(kx), ky, kx), xAt(P1, off + i32(kx), ky, kx),
                      xAt(P2, off + i32(kx), ky, kx), xAt(P3, off + i32(kx), ky, kx));
        let t = wt + kx;
        c0 = fma(vec4(Wt[w0 + t]), xv, c0);
        c1 = fma(vec4(Wt[w1 + t]), xv, c1);
        c2 = fma(vec4(Wt[w2 + t]), xv, c2);
        c3 = fma(vec4(Wt[w3 + t]), xv, c3);
      }
    }
  }
  storeY(co0, q0, c0);
  storeY(co0 + 1u, q0, c1);
  storeY(co0 + 2u, q0, c2);
  storeY(co0 + 3u, q0, c3);
}

// ---- backward to the input ---------------------------------------------------------------------
// reads dy (binding 1), w (binding 2); writes dx (binding 3)

@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;

// Only the taps with (iy + PH - ky) % SH == 0 and (ix + PW - kx) % SW == 0 contribute, so input
// positions are grouped by their phase (residue mod the stride): an invocation owns 4 input columns
// ix = rx + SW·(4g + j), j < 4, of one row, which share their valid kx, and hit 4 consecutive dy
// columns. The tap loops then step by the stride: no work on taps that do not contribute.
// GEMM columns are laid out as (n, iy, rx, g) with G = ceil(ceil(W / SW) / 4) groups per phase.

@compute @workgroup_size(WGX, WGY)
fn conv_backward_data(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                      @builtin(num_workgroups) nwg: vec3<u32>) {
  let G = (((p.W + SW - 1u) / SW) + 3u) / 4u;
  let perRow = SW * G;
  let total = p.N * p.H * perRow;
  let q = (wid.z * nwg.x + wid.x) * WGX + lid.x;
  let ci0 = (wid.y * WGY + lid.y) * 4u;
  if (q >= total || ci0 >= p.Cin) { return; }
  let row = q / perRow;           // n·H + iy
  let inRow = q - row * perRow;
  let rx = inRow / G;
  let g = inRow - rx * G;
  let n = row / p.H;
  let iy = row - n * p.H;
  let ix0 = rx + SW * 4u * g;     // first of the 4 columns ix0 + SW·j
  let ty = iy + PH;
  let tx = ix0 + PW;
  let ohw = p.OH * p.OW;
  let kk = KH * KW;
  let w1 = min(ci0 + 1u, p.Cin - 1u) - ci0;
  let w2 = min(ci0 + 2u, p.Cin - 1u) - ci0;
  let w3 = min(ci0 + 3u, p.Cin - 1u) - ci0;
  // Valid tap ranges: ky ≡ ty (mod SH), ky ≤ ty, (ty - ky) / SH < OH; likewise kx for column 0.
  let kyFirst = ty % SH;
  let kxFirst = tx % SW;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var co = 0u; co < p.Cout; co++) {
    let dyBase = (n * p.Cout + co) * ohw;
    let wBase = (co * p.Cin + ci0) * kk;
    for (var ky = kyFirst; ky < KH && ky <= ty; ky += SH) {
      let oy = (ty - ky) / SH;
      if (oy >= p.OH) { continue; }
      let dyRow = dyBase + oy * p.OW;
      for (var kx = kxFirst; kx < KW; kx += SW) {
        // dy column for j: (tx + SW·j - kx) / SW = ox0 + j, where ox0 may be negative.
        let ox0 = (i32(tx) - i32(kx)) / i32(SW);
        let d0 = select(0.0, DY[dyRow + u32(max(ox0, 0))], u32(ox0) < p.OW);
        let d1 = select(0.0, DY[dyRow + u32(max(ox0 + 1, 0))], u32(ox0 + 1) < p.OW);
        let d2 = select(0.0, DY[dyRow + u32(max(ox0 + 2, 0))], u32(ox0 + 2) < p.OW);
        let d3 = select(0.0, DY[dyRow + u32(max(ox0 + 3, 0))], u32(ox0 + 3) < p.OW);
        let dv = vec4(d0, d1, d2, d3);
        let t = wBase + ky * KW + kx;
        c0 = fma(vec4(Wt[t]), dv, c0);
        c1 = fma(vec4(Wt[t + w1 * kk]), dv, c1);
        c2 = fma(vec4(Wt[t + w2 * kk]), dv, c2);
        c3 = fma(vec4(Wt[t + w3 * kk]), dv, c3);
      }
    }
  }
  let hw = p.H * p.W;
  let cs = array<vec4<f32>, 4>(c0, c1, c2, c3);
  for (var i = 0u; i < 4u; i++) {
    let ci = ci0 + i;
    if (ci >= p.Cin) { break; }
    let base = (n * p.Cin + ci) * hw + iy * p.W;
    for (var j = 0u; j < 4u; j++) {
      let ix = ix0 + SW * j;
      if (ix < p.W) { DX[base + ix] = cs[i][j]; }
    }
  }
}

// ---- backward to the weights -------------------------------------------------------------------
// reads x (binding 1), dy (binding 2); writes dw (binding 3): [SPLIT, Cout, Cin, KH, KW]

@group(0) @binding(2) var<storage, read> DY2: array<f32>;
@group(0) @binding(3) var<storage, read_write> DW: array<f32>;

struct Tap {
  off: i32, // ci·H·W + ky·W + kx - PH·W - PW: added to n·Cin·H·W + oy·S·W + ox·S
  ky: i32,  // ky - PH
  kx: i32,  // kx - PW
}

fn tapAt(t: u32) -> Tap {
  let kk = KH * KW;
  let ci = t / kk;
  let r = t - ci * kk;
  let ky = r / KW;
  let kx = r - ky * KW;
  let dy = i32(ky) - i32(PH);
  let dx = i32(kx) - i32(PW);
  return Tap(i32(ci * p.H * p.W) + dy * i32(p.W) + dx, dy, dx);
}

fn xTap(tp: Tap, base: i32, iy: i32, ix: i32) -> f32 {
  let y = iy + tp.ky;
  let x = ix + tp.kx;
  let ok = u32(y) < p.H && u32(x) < p.W;
  return select(0.0, X[u32(max(base + tp.off, 0))], ok);
}

@compute @workgroup_size(WGX, WGY)
fn conv_backward_weights(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let kk = KH * KW;
  let taps = p.Cin * kk;
  let t0 = (wid.x * WGX + lid.x) * 4u;
  let co0 = (wid.y * WGY + lid.y) * 4u;
  if (t0 >= taps || co0 >= p.Cout) { return; }
  let T0 = tapAt(t0);
  let T1 = tapAt(min(t0 + 1u, taps - 1u));
  let T2 = tapAt(min(t0 + 2u, taps - 1u));
  let T3 = tapAt(min(t0 + 3u, taps - 1u));
  let ohw = p.OH * p.OW;
  let chw = p.Cin * p.H * p.W;
  let d1 = min(co0 + 1u, p.Cout - 1u) - co0;
  let d2 = min(co0 + 2u, p.Cout - 1u) - co0;
  let d3 = min(co0 + 3u, p.Cout - 1u) - co0;
  let nBegin = wid.z * p.nPerSplit;
  let nEnd = min(p.N, nBegin + p.nPerSplit);
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var n = nBegin; n < nEnd; n++) {
    let dyBase = (n * p.Cout + co0) * ohw;
    for (var oy = 0u; oy < p.OH; oy++) {
      let iy = i32(oy * SH);
      let rowBase = i32(n * chw) + iy * i32(p.W);
      let dyRow = dyBase + oy * p.OW;
      for (var ox = 0u; ox < p.OW; ox++) {
        let ix = i32(ox * SW);
        let base = rowBase + ix;
        let xv = vec4(xTap(T0, base, iy, ix), xTap(T1, base, iy, ix), xTap(T2, base, iy, ix), xTap(T3, base, iy, ix));
        let di = dyRow + ox;
        c0 = fma(vec4(DY2[di]), xv, c0);
        c1 = fma(vec4(DY2[di + d1 * ohw]), xv, c1);
        c2 = fma(vec4(DY2[di + d2 * ohw]), xv, c2);
        c3 = fma(vec4(DY2[di + d3 * ohw]), xv, c3);
      }
    }
  }
  let outBase = wid.z * p.Cout * taps;
  let cs = array<vec4<f32>, 4>(c0, c1, c2, c3);
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.Cout) { break; }
    for (var j = 0u; j < 4u; j++) {
      if (t0 + j < taps) { DW[outBase + co * taps + t0 + j] = cs[i][j]; }
    }
  }
}

// ---- bias gradient -----------------------------------------------------------------------------
// reads dy (binding 1); writes db (binding 2). One workgroup per output channel.

@group(0) @binding(2) var<storage, read_write> DB: array<f32>;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn conv_bias_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let co = wid.x;
  let ohw = p.OH * p.OW;
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    let base = (n * p.Cout + co) * ohw;
    for (var i = lid.x; i < ohw; i += 64u) { acc += DY[base + i]; }
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s / 2u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { DB[co] = partial[0]; }
}
