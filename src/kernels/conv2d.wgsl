// 2-D convolution, NCHW, weights [Cout, Cin, KH, KW], groups = 1, as implicit GEMMs (no im2col buffer).
// Kernel size, stride and padding are baked in as override constants (so the tap loops unroll and the
// index arithmetic by stride is by constants); channel counts and spatial sizes come from the uniform.
//
// Every invocation keeps a block of its GEMM's output in vec4 registers, with no workgroup memory:
// 8×8 in conv_forward and conv_backward_weights (as gemm_vec4: more multiply-adds per load, which is
// what SwiftShader rewards; see conv_forward), 12×8 there for channel counts 12 divides and 8 does not
// (ROWS), 4×4 in conv_backward_data.
//
//   conv_forward:   y[n,co,oy,ox] = b[co] + Σ_{ci,ky,kx} w[co,ci,ky,kx] · x[n,ci,oy·S-P+ky,ox·S-P+kx]
//                   GEMM rows = co (ROWS = 8 or 12 per invocation), columns = flattened (n,oy,ox) (8 consecutive).
//                   Reads the zero-padded input (conv_pad), so no tap needs a bounds check.
//   conv_backward_data: dx[n,ci,iy,ix] = Σ_{co,ky,kx} w[co,ci,ky,kx] · dy[n,co,(iy+P-ky)/S,(ix+P-kx)/S]
//                   over the taps where the division is exact and in range. Rows = ci (4 per invocation),
//                   columns = 4 input columns of one row phase. For stride 1 the launcher runs
//                   conv_forward on padded dy with flipped weights (conv_wflip) instead.
//   conv_backward_weights: dw[co,ci,ky,kx] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n,ci,oy·S-P+ky,ox·S-P+kx]
//                   Rows = co, columns = flattened taps (ci,ky,kx), ROWS×8 per invocation, reduction over
//                   (n,oy,ox) of the padded input, optionally split over n into partial sums (summed by
//                   the launcher) for parallelism.
//   conv_bias_grad: db[co] = Σ_{n,oy,ox} dy[n,co,oy,ox].
//   conv_pad:       x zero-padded by (PH, PW).  conv_wflip: w flipped and transposed to [Cin, Cout, KH, KW].

struct Params {
  N: u32,
  Cin: u32,
  H: u32,
  W: u32,
  Cout: u32,
  OH: u32,
  OW: u32,
  nPerSplit: u32, // backward weights: images per split
  Hp: u32,        // height and width of X as bound: H + 2·PH and W + 2·PW when the launcher padded it
  Wp: u32,        // (conv_pad), H and W when there is no padding
}

override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override PH: u32 = 0u;
override PW: u32 = 0u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
// Forward loop order: input channels innermost (long uniform loop) or taps innermost (few channels).
override CI_INNER: bool = false;

@group(0) @binding(0) var<uniform> p: Params;

// conv_forward: reads x, w, bias; writes y
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read> Bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

// Workgroup shape (32 invocations); the launcher picks WGY (rows of blocks) to fit few output channels,
// e.g. 12 channels fill 75% of 2 rows of 8-channel blocks and only 37% of the default 4.
override WGX: u32 = 8u;
override WGY: u32 = 4u;
// Rows (output channels) per invocation in conv_forward and conv_backward_weights: 8, or 12 where the
// channel count is a multiple of 12 (conv1 of the eighth-width nets: 12 channels would fill 8-row blocks
// to 75%). 12 rows load 8 + 12 values per 96 multiply-adds instead of 8 + 8 per 64.
override ROWS: u32 = 8u;

// X is the zero-padded input [N, Cin, Hp, Wp] (see conv_pad), so no tap needs a bounds check.
fn outBase(q: u32) -> u32 {
  let ohw = p.OH * p.OW;
  let n = q / ohw;
  let r = q - n * ohw;
  let oy = r / p.OW;
  let ox = r - oy * p.OW;
  return n * p.Cin * p.Hp * p.Wp + oy * SH * p.Wp + ox * SW;
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

// One invocation: output channels co0..co0+7 (rows) × flattened output positions q0..q0+7 (columns), as
// c<i>_<h> = row co0 + i, columns q0 + 4h .. q0 + 4h + 3. Why 8×8 (not 4×4): on SwiftShader each storage
// load with a computed index is a per-lane gather, far dearer than a multiply-add or a spilled register;
// per (channel, tap) an 8×8 block does 64 multiply-adds for 16 loads (4×4: 16 for 8). Measured A/B ~1.5×
// on GEMM; see gemm.wgsl. With ROWS = 12, rows co0..co0+11 (c8_* … c11_*): 96 multiply-adds for 20 loads;
// at the default preset's conv1 (12 channels) 1.2-1.3× faster than 8-row blocks filled to 75%.
@compute @workgroup_size(WGX, WGY)
fn conv_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.N * p.OH * p.OW;
  let q0 = ((wid.z * nwg.x + wid.x) * WGX + lid.x) * 8u;
  let co0 = (wid.y * WGY + lid.y) * ROWS;
  if (q0 >= total || co0 >= p.Cout) { return; }
  // Past the last column or row, indices are clamped (in range; those results are not stored).
  let P0 = outBase(q0);
  let P1 = outBase(min(q0 + 1u, total - 1u));
  let P2 = outBase(min(q0 + 2u, total - 1u));
  let P3 = outBase(min(q0 + 3u, total - 1u));
  let P4 = outBase(min(q0 + 4u, total - 1u));
  let P5 = outBase(min(q0 + 5u, total - 1u));
  let P6 = outBase(min(q0 + 6u, total - 1u));
  let P7 = outBase(min(q0 + 7u, total - 1u));
  let kk = KH * KW;
  let wRow = p.Cin * kk;
  let w0 = co0 * wRow;
  let w1 = min(co0 + 1u, p.Cout - 1u) * wRow;
  let w2 = min(co0 + 2u, p.Cout - 1u) * wRow;
  let w3 = min(co0 + 3u, p.Cout - 1u) * wRow;
  let w4 = min(co0 + 4u, p.Cout - 1u) * wRow;
  let w5 = min(co0 + 5u, p.Cout - 1u) * wRow;
  let w6 = min(co0 + 6u, p.Cout - 1u) * wRow;
  let w7 = min(co0 + 7u, p.Cout - 1u) * wRow;
  let w8 = min(co0 + 8u, p.Cout - 1u) * wRow;
  let w9 = min(co0 + 9u, p.Cout - 1u) * wRow;
  let w10 = min(co0 + 10u, p.Cout - 1u) * wRow;
  let w11 = min(co0 + 11u, p.Cout - 1u) * wRow;
  let hw = p.Hp * p.Wp;
  var c0_0 = vec4<f32>(); var c1_0 = vec4<f32>(); var c2_0 = vec4<f32>(); var c3_0 = vec4<f32>();
  var c4_0 = vec4<f32>(); var c5_0 = vec4<f32>(); var c6_0 = vec4<f32>(); var c7_0 = vec4<f32>();
  var c0_1 = vec4<f32>(); var c1_1 = vec4<f32>(); var c2_1 = vec4<f32>(); var c3_1 = vec4<f32>();
  var c4_1 = vec4<f32>(); var c5_1 = vec4<f32>(); var c6_1 = vec4<f32>(); var c7_1 = vec4<f32>();
  var c8_0 = vec4<f32>(); var c9_0 = vec4<f32>(); var c10_0 = vec4<f32>(); var c11_0 = vec4<f32>();
  var c8_1 = vec4<f32>(); var c9_1 = vec4<f32>(); var c10_1 = vec4<f32>(); var c11_1 = vec4<f32>();
  // Many input channels: the long loop over channels is innermost (short loops cost much on SwiftShader);
  // few channels: the loop over kx is (KW long).
  let nOuter = select(p.Cin * KH, KH * KW, CI_INNER);
  let nInner = select(KW, p.Cin, CI_INNER);
  for (var a = 0u; a < nOuter; a++) {
    var o: u32; var t: u32; var dO: u32; var dT: u32;
    if (CI_INNER) {
      let ky = a / KW; let kx = a - ky * KW; // a = tap; divisions by constants, once per tap
      o = ky * p.Wp + kx; t = a; dO = hw; dT = kk;
    } else {
      let ci = a / KH; let ky = a - ci * KH;
      o = ci * hw + ky * p.Wp; t = ci * kk + ky * KW; dO = 1u; dT = 1u;
    }
    for (var b = 0u; b < nInner; b++) {
      let xa = vec4(X[P0 + o], X[P1 + o], X[P2 + o], X[P3 + o]);
      let xb = vec4(X[P4 + o], X[P5 + o], X[P6 + o], X[P7 + o]);
      var wv = vec4(Wt[w0 + t]); c0_0 = fma(wv, xa, c0_0); c0_1 = fma(wv, xb, c0_1);
      wv = vec4(Wt[w1 + t]); c1_0 = fma(wv, xa, c1_0); c1_1 = fma(wv, xb, c1_1);
      wv = vec4(Wt[w2 + t]); c2_0 = fma(wv, xa, c2_0); c2_1 = fma(wv, xb, c2_1);
      wv = vec4(Wt[w3 + t]); c3_0 = fma(wv, xa, c3_0); c3_1 = fma(wv, xb, c3_1);
      wv = vec4(Wt[w4 + t]); c4_0 = fma(wv, xa, c4_0); c4_1 = fma(wv, xb, c4_1);
      wv = vec4(Wt[w5 + t]); c5_0 = fma(wv, xa, c5_0); c5_1 = fma(wv, xb, c5_1);
      wv = vec4(Wt[w6 + t]); c6_0 = fma(wv, xa, c6_0); c6_1 = fma(wv, xb, c6_1);
      wv = vec4(Wt[w7 + t]); c7_0 = fma(wv, xa, c7_0); c7_1 = fma(wv, xb, c7_1);
      if (ROWS == 12u) {
        wv = vec4(Wt[w8 + t]); c8_0 = fma(wv, xa, c8_0); c8_1 = fma(wv, xb, c8_1);
        wv = vec4(Wt[w9 + t]); c9_0 = fma(wv, xa, c9_0); c9_1 = fma(wv, xb, c9_1);
        wv = vec4(Wt[w10 + t]); c10_0 = fma(wv, xa, c10_0); c10_1 = fma(wv, xb, c10_1);
        wv = vec4(Wt[w11 + t]); c11_0 = fma(wv, xa, c11_0); c11_1 = fma(wv, xb, c11_1);
      }
      o += dO;
      t += dT;
    }
  }
  storeY(co0, q0, c0_0); storeY(co0, q0 + 4u, c0_1);
  storeY(co0 + 1u, q0, c1_0); storeY(co0 + 1u, q0 + 4u, c1_1);
  storeY(co0 + 2u, q0, c2_0); storeY(co0 + 2u, q0 + 4u, c2_1);
  storeY(co0 + 3u, q0, c3_0); storeY(co0 + 3u, q0 + 4u, c3_1);
  storeY(co0 + 4u, q0, c4_0); storeY(co0 + 4u, q0 + 4u, c4_1);
  storeY(co0 + 5u, q0, c5_0); storeY(co0 + 5u, q0 + 4u, c5_1);
  storeY(co0 + 6u, q0, c6_0); storeY(co0 + 6u, q0 + 4u, c6_1);
  storeY(co0 + 7u, q0, c7_0); storeY(co0 + 7u, q0 + 4u, c7_1);
  if (ROWS == 12u) {
    storeY(co0 + 8u, q0, c8_0); storeY(co0 + 8u, q0 + 4u, c8_1);
    storeY(co0 + 9u, q0, c9_0); storeY(co0 + 9u, q0 + 4u, c9_1);
    storeY(co0 + 10u, q0, c10_0); storeY(co0 + 10u, q0 + 4u, c10_1);
    storeY(co0 + 11u, q0, c11_0); storeY(co0 + 11u, q0 + 4u, c11_1);
  }
}

// ---- backward to the input ---------------------------------------------------------------------
// Stride 1 (every layer but AlexNet's first, whose input needs no gradient): dx is the forward
// convolution of dy, zero-padded by (KH-1-PH, KW-1-PW), with the weights flipped and transposed
// (conv_wflip), so the launcher runs conv_forward's 8×8 blocks over all N·H·W positions. Strides > 1:

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
  // Integer division is per lane (slow) on SwiftShader: oy and ox0 are stepped, not divided. The
  // few valid taps are the outer loops (their bounds differ between lanes); the long loop over output
  // channels is innermost, with the same trip count in every lane.
  let wStep = p.Cin * kk;
  var oy = (ty - kyFirst) / SH;
  for (var ky = kyFirst; ky < KH && ky <= ty; ky += SH) {
    let rowOk = oy < p.OH;
    let dyRow = n * p.Cout * ohw + oy * p.OW;
    oy -= 1u;
    if (!rowOk) { continue; }
    // dy column for j: (tx + SW·j - kx) / SW = ox0 + j, where ox0 may be negative.
    var ox0 = i32((tx - kxFirst) / SW);
    for (var kx = kxFirst; kx < KW; kx += SW) {
      let ok0 = u32(ox0) < p.OW; let ok1 = u32(ox0 + 1) < p.OW; let ok2 = u32(ox0 + 2) < p.OW; let ok3 = u32(ox0 + 3) < p.OW;
      let e0 = dyRow + select(0u, u32(ox0), ok0);
      let e1 = dyRow + select(0u, u32(ox0 + 1), ok1);
      let e2 = dyRow + select(0u, u32(ox0 + 2), ok2);
      let e3 = dyRow + select(0u, u32(ox0 + 3), ok3);
      ox0 -= 1;
      var dOff = 0u;
      var t = ci0 * kk + ky * KW + kx;
      for (var co = 0u; co < p.Cout; co++) {
        let dv = vec4(select(0.0, DY[e0 + dOff], ok0), select(0.0, DY[e1 + dOff], ok1),
                      select(0.0, DY[e2 + dOff], ok2), select(0.0, DY[e3 + dOff], ok3));
        c0 = fma(vec4(Wt[t]), dv, c0);
        c1 = fma(vec4(Wt[t + w1 * kk]), dv, c1);
        c2 = fma(vec4(Wt[t + w2 * kk]), dv, c2);
        c3 = fma(vec4(Wt[t + w3 * kk]), dv, c3);
        dOff += ohw;
        t += wStep;
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

// X is the zero-padded input (see conv_pad). A tap's offset in it: ci·Hp·Wp + ky·Wp + kx.
fn tapOff(t: u32) -> u32 {
  let kk = KH * KW;
  let ci = t / kk;
  let r = t - ci * kk;
  let ky = r / KW;
  let kx = r - ky * KW;
  return ci * p.Hp * p.Wp + ky * p.Wp + kx;
}

// One invocation: output channels co0..co0+ROWS-1 (rows) × taps t0..t0+7 (columns), for the reason given at
// conv_forward (ROWS = 12 at the default's conv1: 1.5× faster than 8-row blocks filled to 75%). The loop over the positions of an image is flattened (one loop, uniform trip count
// OH·OW, instead of a short ox loop inside an oy loop): dy advances by 1, x by the stride, and by the
// row jump when ox wraps.
@compute @workgroup_size(WGX, WGY)
fn conv_backward_weights(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let kk = KH * KW;
  let taps = p.Cin * kk;
  let t0 = (wid.x * WGX + lid.x) * 8u;
  let co0 = (wid.y * WGY + lid.y) * ROWS;
  if (t0 >= taps || co0 >= p.Cout) { return; }
  let T0 = tapOff(t0);
  let T1 = tapOff(min(t0 + 1u, taps - 1u));
  let T2 = tapOff(min(t0 + 2u, taps - 1u));
  let T3 = tapOff(min(t0 + 3u, taps - 1u));
  let T4 = tapOff(min(t0 + 4u, taps - 1u));
  let T5 = tapOff(min(t0 + 5u, taps - 1u));
  let T6 = tapOff(min(t0 + 6u, taps - 1u));
  let T7 = tapOff(min(t0 + 7u, taps - 1u));
  let ohw = p.OH * p.OW;
  let chw = p.Cin * p.Hp * p.Wp;
  // dy offsets of rows co0+1.. relative to co0 (clamped rows repeat the last channel; not stored).
  let e1 = (min(co0 + 1u, p.Cout - 1u) - co0) * ohw;
  let e2 = (min(co0 + 2u, p.Cout - 1u) - co0) * ohw;
  let e3 = (min(co0 + 3u, p.Cout - 1u) - co0) * ohw;
  let e4 = (min(co0 + 4u, p.Cout - 1u) - co0) * ohw;
  let e5 = (min(co0 + 5u, p.Cout - 1u) - co0) * ohw;
  let e6 = (min(co0 + 6u, p.Cout - 1u) - co0) * ohw;
  let e7 = (min(co0 + 7u, p.Cout - 1u) - co0) * ohw;
  let e8 = (min(co0 + 8u, p.Cout - 1u) - co0) * ohw;
  let e9 = (min(co0 + 9u, p.Cout - 1u) - co0) * ohw;
  let e10 = (min(co0 + 10u, p.Cout - 1u) - co0) * ohw;
  let e11 = (min(co0 + 11u, p.Cout - 1u) - co0) * ohw;
  let rowJump = SH * p.Wp - p.OW * SW;
  let nBegin = wid.z * p.nPerSplit;
  let nEnd = min(p.N, nBegin + p.nPerSplit);
  var c0_0 = vec4<f32>(); var c1_0 = vec4<f32>(); var c2_0 = vec4<f32>(); var c3_0 = vec4<f32>();
  var c4_0 = vec4<f32>(); var c5_0 = vec4<f32>(); var c6_0 = vec4<f32>(); var c7_0 = vec4<f32>();
  var c0_1 = vec4<f32>(); var c1_1 = vec4<f32>(); var c2_1 = vec4<f32>(); var c3_1 = vec4<f32>();
  var c4_1 = vec4<f32>(); var c5_1 = vec4<f32>(); var c6_1 = vec4<f32>(); var c7_1 = vec4<f32>();
  var c8_0 = vec4<f32>(); var c9_0 = vec4<f32>(); var c10_0 = vec4<f32>(); var c11_0 = vec4<f32>();
  var c8_1 = vec4<f32>(); var c9_1 = vec4<f32>(); var c10_1 = vec4<f32>(); var c11_1 = vec4<f32>();
  for (var n = nBegin; n < nEnd; n++) {
    var di = (n * p.Cout + co0) * ohw;
    var base = n * chw;
    var ox = 0u;
    for (var i = 0u; i < ohw; i++) {
      let xa = vec4(X[base + T0], X[base + T1], X[base + T2], X[base + T3]);
      let xb = vec4(X[base + T4], X[base + T5], X[base + T6], X[base + T7]);
      var dv = vec4(DY2[di]); c0_0 = fma(dv, xa, c0_0); c0_1 = fma(dv, xb, c0_1);
      dv = vec4(DY2[di + e1]); c1_0 = fma(dv, xa, c1_0); c1_1 = fma(dv, xb, c1_1);
      dv = vec4(DY2[di + e2]); c2_0 = fma(dv, xa, c2_0); c2_1 = fma(dv, xb, c2_1);
      dv = vec4(DY2[di + e3]); c3_0 = fma(dv, xa, c3_0); c3_1 = fma(dv, xb, c3_1);
      dv = vec4(DY2[di + e4]); c4_0 = fma(dv, xa, c4_0); c4_1 = fma(dv, xb, c4_1);
      dv = vec4(DY2[di + e5]); c5_0 = fma(dv, xa, c5_0); c5_1 = fma(dv, xb, c5_1);
      dv = vec4(DY2[di + e6]); c6_0 = fma(dv, xa, c6_0); c6_1 = fma(dv, xb, c6_1);
      dv = vec4(DY2[di + e7]); c7_0 = fma(dv, xa, c7_0); c7_1 = fma(dv, xb, c7_1);
      if (ROWS == 12u) {
        dv = vec4(DY2[di + e8]); c8_0 = fma(dv, xa, c8_0); c8_1 = fma(dv, xb, c8_1);
        dv = vec4(DY2[di + e9]); c9_0 = fma(dv, xa, c9_0); c9_1 = fma(dv, xb, c9_1);
        dv = vec4(DY2[di + e10]); c10_0 = fma(dv, xa, c10_0); c10_1 = fma(dv, xb, c10_1);
        dv = vec4(DY2[di + e11]); c11_0 = fma(dv, xa, c11_0); c11_1 = fma(dv, xb, c11_1);
      }
      di += 1u;
      ox += 1u;
      let wrap = ox == p.OW;
      base += select(SW, SW + rowJump, wrap);
      ox = select(ox, 0u, wrap);
    }
  }
  let o = wid.z * p.Cout * taps + co0 * taps + t0;
  storeDW(o, co0, t0, taps, c0_0, c0_1);
  storeDW(o + taps, co0 + 1u, t0, taps, c1_0, c1_1);
  storeDW(o + 2u * taps, co0 + 2u, t0, taps, c2_0, c2_1);
  storeDW(o + 3u * taps, co0 + 3u, t0, taps, c3_0, c3_1);
  storeDW(o + 4u * taps, co0 + 4u, t0, taps, c4_0, c4_1);
  storeDW(o + 5u * taps, co0 + 5u, t0, taps, c5_0, c5_1);
  storeDW(o + 6u * taps, co0 + 6u, t0, taps, c6_0, c6_1);
  storeDW(o + 7u * taps, co0 + 7u, t0, taps, c7_0, c7_1);
  if (ROWS == 12u) {
    storeDW(o + 8u * taps, co0 + 8u, t0, taps, c8_0, c8_1);
    storeDW(o + 9u * taps, co0 + 9u, t0, taps, c9_0, c9_1);
    storeDW(o + 10u * taps, co0 + 10u, t0, taps, c10_0, c10_1);
    storeDW(o + 11u * taps, co0 + 11u, t0, taps, c11_0, c11_1);
  }
}

// Row co of dw at taps t0..t0+7 (index o of t0), the ones in range.
fn storeDW(o: u32, co: u32, t0: u32, taps: u32, a: vec4<f32>, b: vec4<f32>) {
  if (co >= p.Cout) { return; }
  for (var j = 0u; j < 4u; j++) {
    if (t0 + j < taps) { DW[o + j] = a[j]; }
    if (t0 + 4u + j < taps) { DW[o + 4u + j] = b[j]; }
  }
}

// ---- bias gradient -----------------------------------------------------------------------------
// reads dy (binding 1); writes db (binding 2). One invocation per output channel, a serial sum over
// (n, position) in 4 partial sums: no workgroup memory or barriers, which cost ~9 ms per call on
// SwiftShader (a 64-invocation tree per channel) against well under 1 ms for this serial loop.

@group(0) @binding(2) var<storage, read_write> DB: array<f32>;

@compute @workgroup_size(4)
fn conv_bias_grad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let co = gid.x;
  if (co >= p.Cout) { return; }
  let ohw = p.OH * p.OW;
  let ohw4 = ohw & ~3u;
  var acc = vec4<f32>();
  for (var n = 0u; n < p.N; n++) {
    let base = (n * p.Cout + co) * ohw;
    for (var i = 0u; i < ohw4; i += 4u) {
      acc += vec4(DY[base + i], DY[base + i + 1u], DY[base + i + 2u], DY[base + i + 3u]);
    }
    for (var i = ohw4; i < ohw; i++) { acc.x += DY[base + i]; }
  }
  DB[co] = (acc.x + acc.y) + (acc.z + acc.w);
}

// ---- zero padding ------------------------------------------------------------------------------
// reads x (binding 1) [N·Cin, H, W]; writes xp (binding 2) [N·Cin, Hp, Wp] with x at offset (PH, PW).
// One invocation per padded row (a loop over its Wp elements), so the divisions that find the row are
// paid once per row, not per element: integer division is per lane and slow on SwiftShader. The copy
// of the row moves 4 elements per loop iteration: on SwiftShader a loop iteration costs more than the
// loads and stores in it (see fmaprobe.wgsl); A/B in one process at the default's conv1 input
// (16 × 13 × 64 × 256), 15 alternating runs each, identical output: 1.67-1.93× (median 78 → 47 and
// 77 → 40 ms at load 4.5-5.8); 8 per iteration was no faster than 4. The grid is folded over x and y.

@group(0) @binding(2) var<storage, read_write> XP: array<f32>;

@compute @workgroup_size(64)
fn conv_pad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.y * nwg.x * 64u + gid.x; // padded row: plane · Hp + y
  if (r >= p.N * p.Cin * p.Hp) { return; }
  let plane = r / p.Hp;
  let y = r - plane * p.Hp;
  let iy = y - PH;
  let rowOk = y >= PH && iy < p.H;
  let src = (plane * p.H + select(0u, iy, rowOk)) * p.W;
  let dst = r * p.Wp;
  // Left border, the row (or zeros) 4 at a time and then the rest, right border.
  for (var x = 0u; x < PW; x++) { XP[dst + x] = 0.0; }
  let d = dst + PW;
  let w4 = p.W & ~3u;
  var x = 0u;
  for (; x < w4; x += 4u) {
    XP[d + x] = select(0.0, X[src + x], rowOk);
    XP[d + x + 1u] = select(0.0, X[src + x + 1u], rowOk);
    XP[d + x + 2u] = select(0.0, X[src + x + 2u], rowOk);
    XP[d + x + 3u] = select(0.0, X[src + x + 3u], rowOk);
  }
  for (; x < p.W; x++) { XP[d + x] = select(0.0, X[src + x], rowOk); }
  for (var x = PW + p.W; x < p.Wp; x++) { XP[dst + x] = 0.0; }
}

// ---- flipped, transposed weights for the stride-1 backward to the input -------------------------
// reads w (binding 1) [Cout, Cin, KH, KW]; writes wf (binding 2) [Cin, Cout, KH, KW] with
// wf[ci, co, ky, kx] = w[co, ci, KH-1-ky, KW-1-kx]. One invocation per element; the grid is folded.

@compute @workgroup_size(64)
fn conv_wflip(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let kk = KH * KW;
  let i = gid.y * nwg.x * 64u + gid.x;
  if (i >= p.Cout * p.Cin * kk) { return; }
  let r = i / kk;
  let tap = i - r * kk;
  let ci = r / p.Cout;
  let co = r - ci * p.Cout;
  XP[i] = X[(co * p.Cin + ci) * kk + (kk - 1u - tap)];
}

