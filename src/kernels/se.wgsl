// Squeeze-and-excitation pieces over NCHW planes (planes = N·C, each of hw elements).
//   global_avg:    out[pl] = mean of plane pl                  (one invocation per plane)
//   expand_plane:  out[i] = v[i / hw] · scale                  (global_avg backward, scale = 1/hw)
//   channel_scale: out[i] = x[i] · v[i / hw]                   (forward; also its x-gradient with g)
//   plane_dot:     out[pl] = Σ_{i in plane pl} a[i] · b[i]     (channel_scale's s-gradient)

struct Params {
  planes: u32,
  hw: u32,
  scale: f32,
  tiles: u32,   // expand_plane / channel_scale: workgroups per plane (0: flat layout for small planes)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out1: array<f32>;   // one-input entries
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out2: array<f32>;   // two-input entries

const PER: u32 = 4u;
const TILE: u32 = 256u;   // 64 · PER elements of one plane per workgroup when p.tiles > 0: the plane
                          // index is found once per invocation instead of a division per element.

fn invocation(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
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

@compute @workgroup_size(64)
fn expand_plane(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  if (p.tiles > 0u) {
    let wg = wid.y * nwg.x + wid.x;
    let pl = wg / p.tiles;
    if (pl >= p.planes) { return; }
    let v = a[pl] * p.scale;
    let base = pl * p.hw;
    let e0 = (wg - pl * p.tiles) * TILE + lid.x;
    for (var k = 0u; k < PER; k++) {
      let e = e0 + k * 64u;
      if (e < p.hw) { out1[base + e] = v; }
    }
    return;
  }
  let n = p.planes * p.hw;
  let i0 = invocation(wid, lid, nwg) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < n) { out1[i] = a[i / p.hw] * p.scale; }
  }
}

@compute @workgroup_size(64)
fn channel_scale(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  if (p.tiles > 0u) {
    let wg = wid.y * nwg.x + wid.x;
    let pl = wg / p.tiles;
    if (pl >= p.planes) { return; }
    let v = b[pl];
    let base = pl * p.hw;
    let e0 = (wg - pl * p.tiles) * TILE + lid.x;
    for (var k = 0u; k < PER; k++) {
      let e = e0 + k * 64u;
      if (e < p.hw) { out2[base + e] = a[base + e] * v; }
    }
    return;
  }
  let n = p.planes * p.hw;
  let i0 = invocation(wid, lid, nwg) * PER;
  for (var k = 0u; k < PER; k++) {
    let i = i0 + k;
    if (i < n) { out2[i] = a[i] * b[i / p.hw]; }
  }
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
