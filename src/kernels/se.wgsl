// Squeeze-and-excitation pieces over NCHW planes (planes = N·C, each of hw elements).
//   global_avg:    out[pl] = mean of plane pl                  (one invocation per plane)
//   expand_plane:  out[i] = v[i / hw] · scale                  (global_avg backward, scale = 1/hw)
//   channel_scale: out[i] = x[i] · v[i / hw]                   (forward; also its x-gradient with g)
//   (expand_plane4 / channel_scale4: the same with one vec4 per invocation)
//   plane_dot:     out[pl] = Σ_{i in plane pl} a[i] · b[i]     (channel_scale's s-gradient)

struct Params {
  planes: u32,
  hw: u32,
  scale: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out1: array<f32>;   // one-input entries
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out2: array<f32>;   // two-input entries

const PER: u32 = 4u;

fn invocation(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
}

// The planes of elements i..i+3 (one division unless the four straddle a plane boundary).
fn planes4(i: u32) -> vec4<u32> {
  let pl = i / p.hw;
  if (i - pl * p.hw + 3u < p.hw) { return vec4<u32>(pl); }
  return vec4<u32>(pl, (i + 1u) / p.hw, (i + 2u) / p.hw, (i + 3u) / p.hw);
}

@compute @workgroup_size(64)
fn global_avg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let pl = invocation(wid, lid, nwg);
  if (pl >= p.planes) { return; }
  let base = pl * p.hw;
  var acc = vec4<f32>(0.0);
  let n4 = p.hw / 4u;
  for (var k = 0u; k < n4; k++) {
    let i = base + 4u * k;
    acc += vec4<f32>(a[i], a[i + 1u], a[i + 2u], a[i + 3u]);
  }
  var s = acc.x + acc.y + acc.z + acc.w;
  for (var k = 4u * n4; k < p.hw; k++) { s += a[base + k]; }
  out1[pl] = s * p.scale;
}

// Element-wise entries come in two layouts: scalar (PER consecutive elements per invocation, any size)
// and vec4 (one vec4 per invocation, when the size is a multiple of 4): on SwiftShader the vec4 form
// is ~2× faster, as each lane moves 16 bytes with one load.
@compute @workgroup_size(64)
fn expand_plane(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = p.planes * p.hw;
  let i0 = invocation(wid, lid, nwg) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < n) { out1[i] = a[i / p.hw] * p.scale; }
  }
}

@group(0) @binding(2) var<storage, read_write> out1v: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> av: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out2v: array<vec4<f32>>;

@compute @workgroup_size(64)
fn expand_plane4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = invocation(wid, lid, nwg);
  if (q >= p.planes * p.hw / 4u) { return; }
  let pl = planes4(4u * q);
  out1v[q] = vec4<f32>(a[pl.x], a[pl.y], a[pl.z], a[pl.w]) * p.scale;
}

@compute @workgroup_size(64)
fn channel_scale(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = p.planes * p.hw;
  let i0 = invocation(wid, lid, nwg) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < n) { out2[i] = a[i] * b[i / p.hw]; }
  }
}

@compute @workgroup_size(64)
fn channel_scale4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = invocation(wid, lid, nwg);
  if (q >= p.planes * p.hw / 4u) { return; }
  let pl = planes4(4u * q);
  out2v[q] = av[q] * vec4<f32>(b[pl.x], b[pl.y], b[pl.z], b[pl.w]);
}

@compute @workgroup_size(64)
fn plane_dot(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let pl = invocation(wid, lid, nwg);
  if (pl >= p.planes) { return; }
  let base = pl * p.hw;
  var acc = vec4<f32>(0.0);
  let n4 = p.hw / 4u;
  for (var k = 0u; k < n4; k++) {
    let i = base + 4u * k;
    acc += vec4<f32>(a[i], a[i + 1u], a[i + 2u], a[i + 3u]) * vec4<f32>(b[i], b[i + 1u], b[i + 2u], b[i + 3u]);
  }
  var s = acc.x + acc.y + acc.z + acc.w;
  for (var k = 4u * n4; k < p.hw; k++) { s += a[base + k] * b[base + k]; }
  out2[pl] = s;
}
