// Inverted dropout with a counter-based mask: element i is kept iff (hash(i, seed) >> 8) ≥ threshold,
// with threshold = round(p · 2^24), and kept values are scaled by 1/(1 − p). The hash is two rounds of
// the PCG hash (Jarzynski & Olano 2020), hash(i, seed) = pcg(pcg(i) ^ key) with key = pcg(seed) computed
// on the host, so a seed gives the same mask on every adapter, and the backward recomputes it (no mask
// buffer). src/reference/dropout.ts implements the same hash with u32 arithmetic.

struct Params {
  n: u32,
  key: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

const PER: u32 = 4u;

@compute @workgroup_size(64)
fn dropout(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = ((wid.y * nwg.x + wid.x) * 64u + lid.x) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < p.n) {
      let keep = (pcg(pcg(i) ^ p.key) >> 8u) >= p.threshold;
      out[i] = select(0.0, x[i] * p.scale, keep);
    }
  }
}

// The same with one vec4 per invocation (sizes divisible by 4; ~2× faster on SwiftShader).
@group(0) @binding(1) var<storage, read> xv: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> outv: array<vec4<f32>>;

fn pcg4(v: vec4<u32>) -> vec4<u32> {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> vec4<u32>(28u)) + 4u)) ^ state) * 277803737u;
  return (word >> vec4<u32>(22u)) ^ word;
}

@compute @workgroup_size(64)
fn dropout4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
            @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (q >= p.n / 4u) { return; }
  let i = vec4<u32>(4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
  let keep = (pcg4(pcg4(i) ^ vec4<u32>(p.key)) >> vec4<u32>(8u)) >= vec4<u32>(p.threshold);
  outv[q] = select(vec4<f32>(0.0), xv[q] * p.scale, keep);
}
