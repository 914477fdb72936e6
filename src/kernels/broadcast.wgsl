// Broadcasts, the adjoints of the reductions in reduce.wgsl.
//   expand_middle: out[o, r, i] = x[o, i] * scale            (out viewed as [outer, rep, inner])
//   add_channel:   out[o, c, i] = a[o, c, i] + b[c]          (bias over the channel axis of NCHW / NC)

struct Params {
  outer: u32,
  mid: u32,
  inner: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> expanded: array<f32>;

@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> biased: array<f32>;

const PER_THREAD: u32 = 4u;

fn first(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return ((wid.y * nwg.x + wid.x) * 64u + lid.x) * PER_THREAD;
}

@compute @workgroup_size(64)
fn expand_middle(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = p.outer * p.mid * p.inner;
  let i0 = first(wid, lid, nwg);
  for (var k = 0u; k < PER_THREAD; k++) {
    let j = i0 + k;
    if (j >= n) { return; }
    let i = j % p.inner;
    let o = j / (p.mid * p.inner);
    expanded[j] = x[o * p.inner + i] * p.scale;
  }
}

@compute @workgroup_size(64)
fn add_channel(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = p.outer * p.mid * p.inner;
  let i0 = first(wid, lid, nwg);
  for (var k = 0u; k < PER_THREAD; k++) {
    let j = i0 + k;
    if (j >= n) { return; }
    let c = (j / p.inner) % p.mid;
    biased[j] = x[j] + bias[c];
  }
}
