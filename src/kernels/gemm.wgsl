// GEMM: C[b] = alpha · op(A[b]) · op(B[b]) (+ beta · C[b] when ACCUM) (+ bias) (ReLU when RELU).
// op(A) is M×K, op(B) is K×N, C is M×N, all row-major. A is stored [M, K] or, when TRANS_A, [K, M];
// B is stored [K, N] or, when TRANS_B, [N, K]. The batch index is workgroup_id.z.
//
// gemm_reg (for SwiftShader, i.e. CPUs): no workgroup memory and no barriers. Each invocation keeps a
// 4×4 block of C in four vec4 registers. SwiftShader runs invocations as 4-wide SIMD lanes, so those
// 16 floats already take 16 SSE registers: larger blocks (8×4, 4×8) spill and measured slower, as did
// interleaving columns across lanes. Bounds are handled by clamping load indices and masking stores,
// so any M, N, K works.
//
// gemm_tiled (for real GPUs): classic 64×64 workgroup-memory tiles, 16×16 invocations, 4×4 each.

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

// gemm_vec4: gemm_reg's 4×4 block with 16-byte loads, for aligned shapes (the launcher checks): K % 4 == 0,
// and M % 4 == 0 when TRANS_A, N % 4 == 0 unless TRANS_B. A 4×4 block of each operand is 4 vec4 loads;
// transposing it in registers is free on SwiftShader (a vec4 is four separate SIMD registers). Measured
// 1.6× gemm_reg on 1024³ (fewer load instructions and index clamps per multiply-add).

@group(0) @binding(1) var<storage, read> A4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B4: array<vec4<f32>>;

@compute @workgroup_size(WGX, WGY)
fn gemm_vec4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p.M;
  let N = p.N;
  let K4 = p.K / 4u;
  let M4 = M / 4u;
  let N4 = N / 4u;
  let m0 = (wid.y * WGY + lid.y) * 4u;
  let n0 = (wid.x * WGX + lid.x) * 4u;
  let offA = wid.z * p.strideA / 4u;
  let offB = wid.z * p.strideB / 4u;
  // A: row i of op(A) (not transposed) or the vec4 of rows m0..m0+3 at each k (transposed).
  let r0 = offA + min(m0, M - 1u) * K4;
  let r1 = offA + min(m0 + 1u, M - 1u) * K4;
  let r2 = offA + min(m0 + 2u, M - 1u) * K4;
  let r3 = offA + min(m0 + 3u, M - 1u) * K4;
  let am = offA + min(m0 / 4u, max(M4, 1u) - 1u);
  // B: the vec4 of columns n0..n0+3 at each k (not transposed) or column j of op(B) (transposed).
  let bn = offB + min(n0 / 4u, max(N4, 1u) - 1u);
  let q0 = offB + min(n0, N - 1u) * K4;
  let q1 = offB + min(n0 + 1u, N - 1u) * K4;
  let q2 = offB + min(n0 + 2u, N - 1u) * K4;
  let q3 = offB + min(n0 + 3u, N - 1u) * K4;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var k4 = 0u; k4 < K4; k4++) {
    var x0: vec4<f32>; var x1: vec4<f32>; var x2: vec4<f32>; var x3: vec4<f32>;
    if (TRANS_A) {
      let k = 4u * k4 * M4 + am;
      let t0 = A4[k]; let t1 = A4[k + M4]; let t2 = A4[k + 2u * M4]; let t3 = A4[k + 3u * M4];
      x0 = vec4(t0.x, t1.x, t2.x, t3.x); x1 = vec4(t0.y, t1.y, t2.y, t3.y);
      x2 = vec4(t0.z, t1.z, t2.z, t3.z); x3 = vec4(t0.w, t1.w, t2.w, t3.w);
    } else {
      x0 = A4[r0 + k4]; x1 = A4[r1 + k4]; x2 = A4[r2 + k4]; x3 = A4[r3 + k4];
    }
    var y0: vec4<f32>; var y1: vec4<f32>; var y2: vec4<f32>; var y3: vec4<f32>;
    if (TRANS_B) {
      let e0 = B4[q0 + k4]; let e1 = B4[q1 + k4]; let e2 = B4[q2 + k4]; let e3 = B4[q3 + k4];
      y0 = vec4(e0.x, e1.x, e2.x, e3.x); y1 = vec4(e0.y, e1.y, e2.y, e3.y);
      y2 = vec4(e0.z, e1.z, e2.z, e3.z); y3 = vec4(e0.w, e1.w, e2.w, e3.w);
    } else {
      let k = 4u * k4 * N4 + bn;
      y0 = B4[k]; y1 = B4[k + N4]; y2 = B4[k + 2u * N4]; y3 = B4[k + 3u * N4];
    }
    c0 = fma(vec4(x0.x), y0, fma(vec4(x0.y), y1, fma(vec4(x0.z), y2, fma(vec4(x0.w), y3, c0))));
    c1 = fma(vec4(x1.x), y0, fma(vec4(x1.y), y1, fma(vec4(x1.z), y2, fma(vec4(x1.w), y3, c1))));
    c2 = fma(vec4(x2.x), y0, fma(vec4(x2.y), y1, fma(vec4(x2.z), y2, fma(vec4(x2.w), y3, c2))));
    c3 = fma(vec4(x3.x), y0, fma(vec4(x3.y), y1, fma(vec4(x3.z), y2, fma(vec4(x3.w), y3, c3))));
  }
  store4(wid.z, m0, n0, c0);
  store4(wid.z, m0 + 1u, n0, c1);
  store4(wid.z, m0 + 2u, n0, c2);
  store4(wid.z, m0 + 3u, n0, c3);
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
