// The arithmetic ceiling of the adapter, as the bench rates kernels against it (bench/cases/ceiling.ts):
// every invocation runs 8 independent vec4 fused multiply-add chains held in registers, no loads or
// stores inside the loop, on enough workgroups to keep every SwiftShader worker thread busy.
//
//   fma_chains:        8 multiply-add steps of each chain per loop iteration (64 vec4 FMAs), so the
//                      loop's own cost is small beside them: the rate of the multiply-adds themselves.
//   fma_chains_looped: 1 step per loop iteration (8 vec4 FMAs), the same work: what a kernel whose
//                      loop body is short gets. On SwiftShader each loop iteration costs about as much
//                      as 15-25 vec4 FMAs (measured: 8 steps per iteration ran 3-4× faster than 1), so
//                      this is the ceiling of a short loop body, not of the arithmetic.
// Both compute the same sequence of roundings (a ← fma(a, m, c), iters·STEPS times per chain): their
// outputs are bit-identical, which also shows that no compiler folded the unrolled steps. The multiplier
// and addend come from the uniform, so nothing is known at compile time.

struct Params {
  iters: u32, // loop iterations
  m: f32,
  c: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn fma_chains(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-6;
  let m = vec4(p.m);
  let c = vec4(p.c);
  var a0 = vec4(s, s + 0.01, s + 0.02, s + 0.03);
  var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  for (var i = 0u; i < p.iters; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  let t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  out[gid.x] = (t.x + t.y) + (t.z + t.w);
}

@compute @workgroup_size(64)
fn fma_chains_looped(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-6;
  let m = vec4(p.m);
  let c = vec4(p.c);
  var a0 = vec4(s, s + 0.01, s + 0.02, s + 0.03);
  var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  for (var i = 0u; i < p.iters * 8u; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  let t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  out[gid.x] = (t.x + t.y) + (t.z + t.w);
}
