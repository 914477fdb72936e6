// GEMM: C[b] = alpha · op(A[b]) · op(B[b]) (+ beta · C[b] when ACCUM) (+ bias) (ReLU when RELU).
// op(A) is M×K, op(B) is K×N, C is M×N, all row-major. A is stored [M, K] or, when TRANS_A, [K, M];
// B is stored [K, N] or, when TRANS_B, [N, K]. The batch index is workgroup_id.z.
//
// For SwiftShader (CPUs), no workgroup memory and no barriers:
//   gemm_vec4: an 8×8 block of C per invocation with 16-byte loads, for aligned shapes (the default;
//              why 8×8, with the A/B figures, at its definition below).
//   gemm_reg:  a 4×4 block of C in four vec4 registers with scalar loads, for any M, N, K (the fallback
//              for unaligned shapes). Bounds are handled by clamping load indices and masking stores.
// For real GPUs:
//   gemm_tiled: classic 64×64 workgroup-memory tiles, 16×16 invocations, 4×4 each.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  strideA: u32, // batch strides in elements (0 broadcasts an operand over the batch)
  strideB: u32,
  strideC: u32,
  alpha: f32,
  beta: f32,
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUM: bool = false;
// 0: no bias, 1: bias per column (bias[n], as in linear), 2: bias per row (bias[m]).
override BIAS: u32 = 0u;
override RELU: bool = false;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

override WGX: u32 = 8u;
override WGY: u32 = 4u;

fn epilogue(bz: u32, m: u32, n: u32, v: f32) {
  var r = p.alpha * v;
  if (BIAS == 1u) { r += bias[n]; }
  if (BIAS == 2u) { r += bias[m]; }
  let ci = bz * p.strideC + m * p.N + n;
  if (ACCUM) { r += p.beta * C[ci]; }
  if (RELU) { r = max(r, 0.0); }
  C[ci] = r;
}

fn store4(bz: u32, m: u32, n0: u32, v: vec4<f32>) {
  if (m >= p.M) { return; }
  for (var j = 0u; j < 4u; j++) {
    if (n0 + j < p.N) { epilogue(bz, m, n0 + j, v[j]); }
  }
}

// One invocation: rows m0..m0+3 × columns n0..n0+3, k in steps of 4 (then a scalar tail). Every load is
// a plain f32 load at a clamped row/column base, so transposes and ragged edges cost nothing extra.
@compute @workgroup_size(WGX, WGY)
fn gemm_reg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p.M;
  let N = p.N;
  let K = p.K;
  let m0 = (wid.y * WGY + lid.y) * 4u;
  let n0 = (wid.x * WGX + lid.x) * 4u;
  let offA = wid.z * p.strideA;
  let offB = wid.z * p.strideB;
  let sA = select(1u, M, TRANS_A); // distance between k and k+1 in A
  let sB = select(N, 1u, TRANS_B); // distance between k and k+1 in B
  let r0 = min(m0, M - 1u); let r1 = min(m0 + 1u, M - 1u); let r2 = min(m0 + 2u, M - 1u); let r3 = min(m0 + 3u, M - 1u);
  let q0 = min(n0, N - 1u); let q1 = min(n0 + 1u, N - 1u); let q2 = min(n0 + 2u, N - 1u); let q3 = min(n0 + 3u, N - 1u);
  let a0 = offA + select(r0 * K, r0, TRANS_A);
  let a1 = offA + select(r1 * K, r1, TRANS_A);
  let a2 = offA + select(r2 * K, r2, TRANS_A);
  let a3 = offA + select(r3 * K, r3, TRANS_A);
  let b0 = offB + select(q0, q0 * K, TRANS_B);
  let b1 = offB + select(q1, q1 * K, TRANS_B);
  let b2 = offB + select(q2, q2 * K, TRANS_B);
  let b3 = offB + select(q3, q3 * K, TRANS_B);
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  let K4 = K & ~3u;
  for (var k = 0u; k < K4; k += 4u) {
    let ka = k * sA;
    let kb = k * sB;
    // x[i] = row i of op(A) at k..k+3; y[kk] = row k+kk of op(B) at the 4 columns.
    let x0 = vec4(A[a0 + ka], A[a0 + ka + sA], A[a0 + ka + 2u * sA], A[a0 + ka + 3u * sA]);
    let x1 = vec4(A[a1 + ka], A[a1 + ka + sA], A[a1 + ka + 2u * sA], A[a1 + ka + 3u * sA]);
    let x2 = vec4(A[a2 + ka], A[a2 + ka + sA], A[a2 + ka + 2u * sA], A[a2 + ka + 3u * sA]);
    let x3 = vec4(A[a3 + ka], A[a3 + ka + sA], A[a3 + ka + 2u * sA], A[a3 + ka + 3u * sA]);
    let y0 = vec4(B[b0 + kb], B[b1 + kb], B[b2 + kb], B[b3 + kb]);
    let y1 = vec4(B[b0 + kb + sB], B[b1 + kb + sB], B[b2 + kb + sB], B[b3 + kb + sB]);
    let y2 = vec4(B[b0 + kb + 2u * sB], B[b1 + kb + 2u * sB], B[b2 + kb + 2u * sB], B[b3 + kb + 2u * sB]);
    let y3 = vec4(B[b0 + kb + 3u * sB], B[b1 + kb + 3u * sB], B[b2 + kb + 3u * sB], B[b3 + kb + 3u * sB]);
    c0 = fma(vec4(x0.x), y0, fma(vec4(x0.y), y1, fma(vec4(x0.z), y2, fma(vec4(x0.w), y3, c0))));
    c1 = fma(vec4(x1.x), y0, fma(vec4(x1.y), y1, fma(vec4(x1.z), y2, fma(vec4(x1.w), y3, c1))));
    c2 = fma(vec4(x2.x), y0, fma(vec4(x2.y), y1, fma(vec4(x2.z), y2, fma(vec4(x2.w), y3, c2))));
    c3 = fma(vec4(x3.x), y0, fma(vec4(x3.y), y1, fma(vec4(x3.z), y2, fma(vec4(x3.w), y3, c3))));
  }
  for (var k = K4; k < K; k++) {
    let ka = k * sA;
    let kb = k * sB;
    let y = vec4(B[b0 + kb], B[b1 + kb], B[b2 + kb], B[b3 + kb]);
    c0 = fma(vec4(A[a0 + ka]), y, c0);
    c1 = fma(vec4(A[a1 + ka]), y, c1);
    c2 = fma(vec4(A[a2 + ka]), y, c2);
    c3 = fma(vec4(A[a3 + ka]), y, c3);
  }
  store4(wid.z, m0, n0, c0);
  store4(wid.z, m0 + 1u, n0, c1);
  store4(wid.z, m0 + 2u, n0, c2);
  store4(wid.z, m0 + 3u, n0, c3);
}

// gemm_vec4: an 8×8 block of C per invocation with 16-byte loads, for aligned shapes (the launcher checks):
// K % 4 == 0, and M % 4 == 0 when TRANS_A, N % 4 == 0 unless TRANS_B. Why 8×8 and not gemm_reg's 4×4: on
// SwiftShader every storage load with a computed index is a per-lane gather (bounds check, scalar load,
// insert per lane), far dearer than a multiply-add or even a spilled register. Per k-step of 4 an R×C block
// loads R + C vec4 and does R·C·4 multiply-adds: 8×8 doubles 4×4's ratio. Its 16 accumulators spill (the
// CPU has 16 SIMD registers), but spills are plain vector loads/stores. Measured A/B on 1024³ (interleaved,
// same process): 8×8 1.5× 4×4; 8×4 and 4×8 ~1.15×; 16×8, 8×16 no better than 8×8; workgroup shape
// 8×4 / 4×4 / 16×4 / 4×2 no difference; fma() and a·b + c the same.

@group(0) @binding(1) var<storage, read> A4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B4: array<vec4<f32>>;

// C as vec4s for gemm_vec4's stores (one entry point may not bind C under both types, so its ragged-edge
// stores write single components of C4 too).
@group(0) @binding(4) var<storage, read_write> C4: array<vec4<f32>>;

// Row m of the block at columns n0..n0+3. A whole vec4 in one store when it is in range and aligned
// (N % 4 == 0 and the batch stride too): the epilogue then costs 1 store instead of 4 scalar epilogues,
// which matters when K is short (AlexNet's FC weight gradient has K = batch = 16).
fn store4v(bz: u32, m: u32, n0: u32, v: vec4<f32>) {
  if (m >= p.M) { return; }
  let ci = bz * p.strideC + m * p.N + n0;
  if (((p.N | p.strideC) & 3u) == 0u && n0 + 4u <= p.N) {
    var r = p.alpha * v;
    if (BIAS == 1u) { r += vec4(bias[n0], bias[n0 + 1u], bias[n0 + 2u], bias[n0 + 3u]); }
    if (BIAS == 2u) { r += vec4(bias[m]); }
    if (ACCUM) { r += p.beta * C4[ci / 4u]; }
    if (RELU) { r = max(r, vec4(0.0)); }
    C4[ci / 4u] = r;
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + j;
    if (n >= p.N) { return; }
    var r = p.alpha * v[j];
    if (BIAS == 1u) { r += bias[n]; }
    if (BIAS == 2u) { r += bias[m]; }
    let i = ci + j;
    if (ACCUM) { r += p.beta * C4[i / 4u][i % 4u]; }
    if (RELU) { r = max(r, 0.0); }
    C4[i / 4u][i % 4u] = r;
  }
}

// c + x · [y0; y1; y2; y3]: one row of op(A) (4 k values) times 4 rows of op(B) (4 columns each).
fn mac(c: vec4<f32>, x: vec4<f32>, y0: vec4<f32>, y1: vec4<f32>, y2: vec4<f32>, y3: vec4<f32>) -> vec4<f32> {
  return c + x.x * y0 + x.y * y1 + x.z * y2 + x.w * y3;
}

@compute @workgroup_size(WGX, WGY)
fn gemm_vec4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p.M;
  let N = p.N;
  let K4 = p.K / 4u;
  let M4 = M / 4u;
  let N4 = N / 4u;
  let m0 = (wid.y * WGY + lid.y) * 8u;
  let n0 = (wid.x * WGX + lid.x) * 8u;
  let offA = wid.z * p.strideA / 4u;
  let offB = wid.z * p.strideB / 4u;
  // A not transposed: row i of A (vec4 index of its k = 0), rows clamped into range (their results are
  // not stored). A transposed: the vec4s of rows m0..m0+3 and m0+4..m0+7 at k = 0.
  let ra = offA + min(m0, M - 1u) * K4;
  let dA1 = min(m0 + 1u, M - 1u) * K4 - min(m0, M - 1u) * K4; // 0 past the last row
  let dA2 = min(m0 + 2u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let dA3 = min(m0 + 3u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let dA4 = min(m0 + 4u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let dA5 = min(m0 + 5u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let dA6 = min(m0 + 6u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let dA7 = min(m0 + 7u, M - 1u) * K4 - min(m0, M - 1u) * K4;
  let am0 = offA + min(m0 / 4u, max(M4, 1u) - 1u);
  let am1 = offA + min(m0 / 4u + 1u, max(M4, 1u) - 1u);
  // B not transposed: the vec4s of columns n0..n0+3 and n0+4..n0+7 at k = 0. B transposed: column j of
  // op(B) (row j of B) at k = 0.
  let bn0 = offB + min(n0 / 4u, max(N4, 1u) - 1u);
  let bn1 = offB + min(n0 / 4u + 1u, max(N4, 1u) - 1u);
  let qb = offB + min(n0, N - 1u) * K4;
  let dB1 = min(n0 + 1u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB2 = min(n0 + 2u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB3 = min(n0 + 3u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB4 = min(n0 + 4u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB5 = min(n0 + 5u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB6 = min(n0 + 6u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  let dB7 = min(n0 + 7u, N - 1u) * K4 - min(n0, N - 1u) * K4;
  // c<i>_<h>: row m0 + i, columns n0 + 4h .. n0 + 4h + 3.
  var c0_0 = vec4<f32>(); var c1_0 = vec4<f32>(); var c2_0 = vec4<f32>(); var c3_0 = vec4<f32>();
  var c4_0 = vec4<f32>(); var c5_0 = vec4<f32>(); var c6_0 = vec4<f32>(); var c7_0 = vec4<f32>();
  var c0_1 = vec4<f32>(); var c1_1 = vec4<f32>(); var c2_1 = vec4<f32>(); var c3_1 = vec4<f32>();
  var c4_1 = vec4<f32>(); var c5_1 = vec4<f32>(); var c6_1 = vec4<f32>(); var c7_1 = vec4<f32>();
  for (var k4 = 0u; k4 < K4; k4++) {
    // y<t>, z<t>: row 4·k4 + t of op(B) at columns n0..n0+3 and n0+4..n0+7.
    var y0: vec4<f32>; var y1: vec4<f32>; var y2: vec4<f32>; var y3: vec4<f32>;
    var z0: vec4<f32>; var z1: vec4<f32>; var z2: vec4<f32>; var z3: vec4<f32>;
    if (TRANS_B) {
      // 8 columns × 4 k, transposed in registers (free: a vec4 is 4 separate SIMD registers here).
      let q = qb + k4;
      let e0 = B4[q]; let e1 = B4[q + dB1]; let e2 = B4[q + dB2]; let e3 = B4[q + dB3];
      let e4 = B4[q + dB4]; let e5 = B4[q + dB5]; let e6 = B4[q + dB6]; let e7 = B4[q + dB7];
      y0 = vec4(e0.x, e1.x, e2.x, e3.x); y1 = vec4(e0.y, e1.y, e2.y, e3.y);
      y2 = vec4(e0.z, e1.z, e2.z, e3.z); y3 = vec4(e0.w, e1.w, e2.w, e3.w);
      z0 = vec4(e4.x, e5.x, e6.x, e7.x); z1 = vec4(e4.y, e5.y, e6.y, e7.y);
      z2 = vec4(e4.z, e5.z, e6.z, e7.z); z3 = vec4(e4.w, e5.w, e6.w, e7.w);
    } else {
      let k = 4u * k4 * N4;
      y0 = B4[k + bn0]; y1 = B4[k + N4 + bn0]; y2 = B4[k + 2u * N4 + bn0]; y3 = B4[k + 3u * N4 + bn0];
      z0 = B4[k + bn1]; z1 = B4[k + N4 + bn1]; z2 = B4[k + 2u * N4 + bn1]; z3 = B4[k + 3u * N4 + bn1];
    }
    if (TRANS_A) {
      // t<kk>/u<kk>: rows m0..m0+3 / m0+4..m0+7 at k = 4·k4 + kk; row i of the block is component i.
      let k = 4u * k4 * M4;
      let t0 = A4[k + am0]; let t1 = A4[k + M4 + am0]; let t2 = A4[k + 2u * M4 + am0]; let t3 = A4[k + 3u * M4 + am0];
      let u0 = A4[k + am1]; let u1 = A4[k + M4 + am1]; let u2 = A4[k + 2u * M4 + am1]; let u3 = A4[k + 3u * M4 + am1];
      var x = vec4(t0.x, t1.x, t2.x, t3.x);
      c0_0 = mac(c0_0, x, y0, y1, y2, y3); c0_1 = mac(c0_1, x, z0, z1, z2, z3);
      x = vec4(t0.y, t1.y, t2.y, t3.y);
      c1_0 = mac(c1_0, x, y0, y1, y2, y3); c1_1 = mac(c1_1, x, z0, z1, z2, z3);
      x = vec4(t0.z, t1.z, t2.z, t3.z);
      c2_0 = mac(c2_0, x, y0, y1, y2, y3); c2_1 = mac(c2_1, x, z0, z1, z2, z3);
      x = vec4(t0.w, t1.w, t2.w, t3.w);
      c3_0 = mac(c3_0, x, y0, y1, y2, y3); c3_1 = mac(c3_1, x, z0, z1, z2, z3);
      x = vec4(u0.x, u1.x, u2.x, u3.x);
      c4_0 = mac(c4_0, x, y0, y1, y2, y3); c4_1 = mac(c4_1, x, z0, z1, z2, z3);
      x = vec4(u0.y, u1.y, u2.y, u3.y);
      c5_0 = mac(c5_0, x, y0, y1, y2, y3); c5_1 = mac(c5_1, x, z0, z1, z2, z3);
      x = vec4(u0.z, u1.z, u2.z, u3.z);
      c6_0 = mac(c6_0, x, y0, y1, y2, y3); c6_1 = mac(c6_1, x, z0, z1, z2, z3);
      x = vec4(u0.w, u1.w, u2.w, u3.w);
      c7_0 = mac(c7_0, x, y0, y1, y2, y3); c7_1 = mac(c7_1, x, z0, z1, z2, z3);
    } else {
      // One row of A at a time (4 k values), used at once: fewer live registers.
      let a = ra + k4;
      var x = A4[a];
      c0_0 = mac(c0_0, x, y0, y1, y2, y3); c0_1 = mac(c0_1, x, z0, z1, z2, z3);
      x = A4[a + dA1];
      c1_0 = mac(c1_0, x, y0, y1, y2, y3); c1_1 = mac(c1_1, x, z0, z1, z2, z3);
      x = A4[a + dA2];
      c2_0 = mac(c2_0, x, y0, y1, y2, y3); c2_1 = mac(c2_1, x, z0, z1, z2, z3);
      x = A4[a + dA3];
      c3_0 = mac(c3_0, x, y0, y1, y2, y3); c3_1 = mac(c3_1, x, z0, z1, z2, z3);
      x = A4[a + dA4];
      c4_0 = mac(c4_0, x, y0, y1, y2, y3); c4_1 = mac(c4_1, x, z0, z1, z2, z3);
      x = A4[a + dA5];
      c5_0 = mac(c5_0, x, y0, y1, y2, y3); c5_1 = mac(c5_1, x, z0, z1, z2, z3);
      x = A4[a + dA6];
      c6_0 = mac(c6_0, x, y0, y1, y2, y3); c6_1 = mac(c6_1, x, z0, z1, z2, z3);
      x = A4[a + dA7];
      c7_0 = mac(c7_0, x, y0, y1, y2, y3); c7_1 = mac(c7_1, x, z0, z1, z2, z3);
    }
  }
  let z = wid.z;
  store4v(z, m0, n0, c0_0); store4v(z, m0, n0 + 4u, c0_1);
  store4v(z, m0 + 1u, n0, c1_0); store4v(z, m0 + 1u, n0 + 4u, c1_1);
  store4v(z, m0 + 2u, n0, c2_0); store4v(z, m0 + 2u, n0 + 4u, c2_1);
  store4v(z, m0 + 3u, n0, c3_0); store4v(z, m0 + 3u, n0 + 4u, c3_1);
  store4v(z, m0 + 4u, n0, c4_0); store4v(z, m0 + 4u, n0 + 4u, c4_1);
  store4v(z, m0 + 5u, n0, c5_0); store4v(z, m0 + 5u, n0 + 4u, c5_1);
  store4v(z, m0 + 6u, n0, c6_0); store4v(z, m0 + 6u, n0 + 4u, c6_1);
  store4v(z, m0 + 7u, n0, c7_0); store4v(z, m0 + 7u, n0 + 4u, c7_1);
}

// ---- tiled variant for real GPUs -----------------------------------------------------------------

const TILE: u32 = 64u;
const TK: u32 = 16u;
var<workgroup> As: array<array<f32, TILE>, TK>; // As[k][m]
var<workgroup> Bs: array<array<f32, TILE>, TK>; // Bs[k][n]

fn loadA(off: u32, m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  return select(A[off + m * p.K + k], A[off + k * p.M + m], TRANS_A);
}

fn loadB(off: u32, k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  return select(B[off + k * p.N + n], B[off + n * p.K + k], TRANS_B);
}

@compute @workgroup_size(16, 16)
fn gemm_tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(local_invocation_index) li: u32) {
  let mBase = wid.y * TILE;
  let nBase = wid.x * TILE;
  let offA = wid.z * p.strideA;
  let offB = wid.z * p.strideB;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    // 256 invocations load 64×16 elements of each operand: 4 each.
    for (var r = 0u; r < 4u; r++) {
      let e = li + 256u * r;
      // A tile: consecutive invocations along the contiguous dimension of storage.
      if (TRANS_A) {
        let mm = e % TILE; let kk = e / TILE;
        As[kk][mm] = loadA(offA, mBase + mm, k0 + kk);
      } else {
        let kk = e % TK; let mm = e / TK;
        As[kk][mm] = loadA(offA, mBase + mm, k0 + kk);
      }
      if (TRANS_B) {
        let kk = e % TK; let nn = e / TK;
        Bs[kk][nn] = loadB(offB, k0 + kk, nBase + nn);
      } else {
        let nn = e % TILE; let kk = e / TILE;
        Bs[kk][nn] = loadB(offB, k0 + kk, nBase + nn);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let b = vec4<f32>(Bs[kk][lid.x], Bs[kk][lid.x + 16u], Bs[kk][lid.x + 32u], Bs[kk][lid.x + 48u]);
      for (var i = 0u; i < 4u; i++) {
        acc[i] = fma(vec4<f32>(As[kk][lid.y + 16u * i]), b, acc[i]);
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = mBase + lid.y + 16u * i;
    if (m >= p.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = nBase + lid.x + 16u * j;
      if (n < p.N) { epilogue(wid.z, m, n, acc[i][j]); }
    }
  }
}
