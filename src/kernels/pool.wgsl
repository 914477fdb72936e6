// Pooling over NCHW planes (planes = N·C). No atomics, no workgroup memory.
//   max_pool_fwd:  y = max over the window (padding positions are ignored, as PyTorch's -inf padding),
//                  arg = flat index h·W + w of the first maximum in row-major order (-1: empty window).
//                  One invocation per output. max_pool_fwd_k: the same without padding, window baked in.
//   zero4:         zeroes dx before the scatter.
//   max_pool_scatter: dx[arg] += gy for the outputs of one class (oy ≡ cy0 mod ⌈kh/sh⌉, ox ≡ cx0 mod
//                  ⌈kw/sw⌉), whose windows never overlap, so no two invocations touch the same dx; the
//                  ⌈kh/sh⌉·⌈kw/sw⌉ classes run as successive dispatches (4 for AlexNet's 3×3 stride 2)
//                  after dx is zeroed. ~4× faster on CPU drivers than gathering per input element.
//   max_pool_bwd:  the gather form, dx[h, w] = Σ over the outputs whose window holds (h, w) and whose
//                  arg is h·W + w (one invocation per input; kept for reference and testing).
//   adaptive_avg_fwd/bwd: PyTorch's adaptive windows, start = ⌊i·H/OH⌋, end = ⌈(i+1)·H/OH⌉.

struct Params {
  planes: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: u32,
  pw: u32,
  // max_pool_scatter: this dispatch's class (first output row/column and steps) and its extent.
  cy0: u32,
  cx0: u32,
  cys: u32,
  cxs: u32,
  ncy: u32,
  ncx: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

// max_pool_fwd / adaptive_avg_*: x (or the output gradient) in, y out.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> arg: array<i32>;
// max_pool_bwd: gy and the saved argmax in, dx out.
@group(0) @binding(2) var<storage, read> argIn: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

fn index(wid: vec3<u32>, lid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid.x;
}

@compute @workgroup_size(64)
fn max_pool_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.oh * p.ow;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let r = i - plane * per;
  let oy = r / p.ow;
  let ox = r - oy * p.ow;
  let y0 = i32(oy * p.sh) - i32(p.ph);
  let x0 = i32(ox * p.sw) - i32(p.pw);
  let ys = max(y0, 0);
  let ye = min(y0 + i32(p.kh), i32(p.h));
  let xs = max(x0, 0);
  let xe = min(x0 + i32(p.kw), i32(p.w));
  let base = plane * p.h * p.w;
  var best = 0.0;
  var bi = -1;
  for (var yy = ys; yy < ye; yy++) {
    for (var xx = xs; xx < xe; xx++) {
      let j = yy * i32(p.w) + xx;
      let v = x[base + u32(j)];
      if (bi < 0 || v > best) {
        best = v;
        bi = j;
      }
    }
  }
  y[i] = best;
  arg[i] = bi;
}

// max_pool_fwd without padding (every window lies inside the plane), with the window baked in as
// constants: no clipping, and ~1.5× faster on CPU drivers. Same tie rule (first maximum).
override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 2u;
override SW: u32 = 2u;

@compute @workgroup_size(64)
fn max_pool_fwd_k(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.oh * p.ow;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let r = i - plane * per;
  let oy = r / p.ow;
  let ox = r - oy * p.ow;
  let j0 = oy * SH * p.w + ox * SW;
  let base = plane * p.h * p.w + j0;
  var best = x[base];
  var bj = 0u;
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      let o = ky * p.w + kx;
      let v = x[base + o];
      if (v > best) {
        best = v;
        bj = o;
      }
    }
  }
  y[i] = best;
  arg[i] = i32(j0 + bj);
}

@compute @workgroup_size(64)
fn max_pool_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.h * p.w;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let j = i - plane * per;
  let hy = j / p.w;
  let hx = j - hy * p.w;
  // Outputs o whose window [o·s − pad, o·s − pad + k) holds this row: ⌈(h+pad−k+1)/s⌉ ≤ o ≤ ⌊(h+pad)/s⌋.
  let ay = i32(hy + p.ph) - i32(p.kh) + 1;
  let ax = i32(hx + p.pw) - i32(p.kw) + 1;
  let oy0 = u32(select(0, (ay + i32(p.sh) - 1) / i32(p.sh), ay > 0));
  let ox0 = u32(select(0, (ax + i32(p.sw) - 1) / i32(p.sw), ax > 0));
  let oy1 = min((hy + p.ph) / p.sh + 1u, p.oh);
  let ox1 = min((hx + p.pw) / p.sw + 1u, p.ow);
  let obase = plane * p.oh * p.ow;
  var acc = 0.0;
  for (var oy = oy0; oy < oy1; oy++) {
    for (var ox = ox0; ox < ox1; ox++) {
      let o = obase + oy * p.ow + ox;
      if (argIn[o] == i32(j)) { acc += x[o]; }
    }
  }
  dx[i] = acc;
}

@compute @workgroup_size(64)
fn max_pool_scatter(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.ncy * p.ncx;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let r = i - plane * per;
  let qy = r / p.ncx;
  let oy = p.cy0 + qy * p.cys;
  let ox = p.cx0 + (r - qy * p.ncx) * p.cxs;
  let o = (plane * p.oh + oy) * p.ow + ox;
  let a = argIn[o];
  if (a >= 0) {
    let j = plane * p.h * p.w + u32(a);
    dx[j] += x[o];
  }
}

@compute @workgroup_size(64)
fn adaptive_avg_fwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.oh * p.ow;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let r = i - plane * per;
  let oy = r / p.ow;
  let ox = r - oy * p.ow;
  let ys = (oy * p.h) / p.oh;
  let ye = ((oy + 1u) * p.h + p.oh - 1u) / p.oh;
  let xs = (ox * p.w) / p.ow;
  let xe = ((ox + 1u) * p.w + p.ow - 1u) / p.ow;
  let base = plane * p.h * p.w;
  var acc = 0.0;
  for (var yy = ys; yy < ye; yy++) {
    let row = base + yy * p.w;
    for (var xx = xs; xx < xe; xx++) { acc += x[row + xx]; }
  }
  y[i] = acc / f32((ye - ys) * (xe - xs));
}

@compute @workgroup_size(64)
fn adaptive_avg_bwd(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(wid, lid, nwg);
  let per = p.h * p.w;
  if (i >= p.planes * per) { return; }
  let plane = i / per;
  let j = i - plane * per;
  let hy = j / p.w;
  let hx = j - hy * p.w;
  // Outputs whose window holds row h: ⌊h·OH/H⌋ ≤ o ≤ ⌈(h+1)·OH/H⌉ − 1.
  let oy0 = (hy * p.oh) / p.h;
  let oy1 = min(((hy + 1u) * p.oh + p.h - 1u) / p.h, p.oh);
  let ox0 = (hx * p.ow) / p.w;
  let ox1 = min(((hx + 1u) * p.ow + p.w - 1u) / p.w, p.ow);
  let obase = plane * p.oh * p.ow;
  var acc = 0.0;
  for (var oy = oy0; oy < oy1; oy++) {
    let cy = ((oy + 1u) * p.h + p.oh - 1u) / p.oh - (oy * p.h) / p.oh;
    for (var ox = ox0; ox < ox1; ox++) {
      let cx = ((ox + 1u) * p.w + p.ow - 1u) / p.ow - (ox * p.w) / p.ow;
      acc += x[obase + oy * p.ow + ox] / f32(cy * cx);
    }
  }
  y[i] = acc;
}

// Zeroes dx (one vec4 per invocation) before max_pool_scatter; p.planes holds the vec4 count.
@group(0) @binding(1) var<storage, read_write> zv: array<vec4<f32>>;

@compute @workgroup_size(64)
fn zero4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = index(wid, lid, nwg);
  if (q < p.planes) { zv[q] = vec4<f32>(0.0); }
}
