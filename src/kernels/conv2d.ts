/**
 * Launchers for conv2d.wgsl (no autograd here): 2-D convolution, NCHW, weights [Cout, Cin, KH, KW],
 * groups = 1, any kernel size / stride / padding, as implicit GEMMs (no im2col buffer).
 *
 *   conv2dForward(x, w, bias?, geom, {relu}) → y [N, Cout, OH, OW]
 *   conv2dBackwardData(dy, w, geom)          → dx [N, Cin, H, W]
 *   conv2dBackwardWeights(x, dy, geom)       → dw [Cout, Cin, KH, KW]
 *   conv2dBiasGrad(dy)                       → db [Cout]
 *
 * `geom` is {stride, pad}, each a number or [vertical, horizontal].
 */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { ceilDiv, grid1d } from './grid.js';
import { sumMiddle } from './reduce.js';
import { kernelFamily } from './sources.js';

const CONV2D = kernelFamily('conv2d');

export interface Conv2dGeometry {
  stride?: number | [number, number];
  pad?: number | [number, number];
}

export interface ConvShape {
  N: number; Cin: number; H: number; W: number;
  Cout: number; KH: number; KW: number;
  SH: number; SW: number; PH: number; PW: number;
  OH: number; OW: number;
}

const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);

/** Shapes of a convolution of x [N, Cin, H, W] by w [Cout, Cin, KH, KW]. */
export function convShape(xShape: readonly number[], wShape: readonly number[], g: Conv2dGeometry = {}): ConvShape {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`conv2d: x ${shapeStr(xShape)} and w ${shapeStr(wShape)} must be rank 4 (NCHW, [Cout, Cin, KH, KW])`);
  const [N, Cin, H, W] = xShape;
  const [Cout, Cw, KH, KW] = wShape;
  if (Cin !== Cw) throw new Error(`conv2d: x has ${Cin} channels but w ${shapeStr(wShape)} expects ${Cw}`);
  const [SH, SW] = pair(g.stride, 1);
  const [PH, PW] = pair(g.pad, 0);
  if (SH < 1 || SW < 1 || PH < 0 || PW < 0) throw new Error(`conv2d: bad stride/pad ${JSON.stringify(g)}`);
  const OH = Math.floor((H + 2 * PH - KH) / SH) + 1;
  const OW = Math.floor((W + 2 * PW - KW) / SW) + 1;
  if (OH < 1 || OW < 1) throw new Error(`conv2d: kernel ${KH}×${KW} does not fit input ${H}×${W} with padding ${PH},${PW}`);
  return { N, Cin, H, W, Cout, KH, KW, SH, SW, PH, PW, OH, OW };
}

const WGX = 8, WGY = 4, PER = 4;
/** conv_forward and conv_backward_weights: 8×8 outputs per invocation (see conv2d.wgsl). */
const BLOCK = 8;
const MAX_X = 65535;

/** Baked constants, by what each entry point uses (the forward and weight kernels read a padded input). */
const kernelOf = (s: ConvShape) => ({ KH: s.KH, KW: s.KW });
const tapsOf = (s: ConvShape) => ({ KH: s.KH, KW: s.KW, SH: s.SH, SW: s.SW });
const padOf = (s: ConvShape) => ({ PH: s.PH, PW: s.PW });
const uniformsOf = (s: ConvShape, nPerSplit = 0, padded = true) => ({
  N: s.N, Cin: s.Cin, H: s.H, W: s.W, Cout: s.Cout, OH: s.OH, OW: s.OW, nPerSplit,
  Hp: padded ? s.H + 2 * s.PH : s.H, Wp: padded ? s.W + 2 * s.PW : s.W,
});

/**
 * x zero-padded to [N, Cin, H + 2·PH, W + 2·PW] (x itself when there is no padding): the forward and
 * weight-gradient kernels read the padded copy so that no tap needs a bounds check. The copy is one
 * cheap pass (conv1 at batch 16: 10 MB) against a kernel that reads every input KH·KW·Cout/… times.
 */
export function conv2dPadInput(x: Tensor, s: ConvShape): Tensor {
  if (s.PH === 0 && s.PW === 0) return x;
  const Hp = s.H + 2 * s.PH, Wp = s.W + 2 * s.PW;
  const xp = Tensor.empty([s.N, s.Cin, Hp, Wp]);
  engine().dispatch(
    { family: CONV2D, entry: 'conv_pad', constants: padOf(s) },
    { uniforms: uniformsOf(s), bindings: { X: x, XP: xp }, workgroups: grid1d(s.N * s.Cin * Hp, 64) },
  );
  return xp;
}

/**
 * Workgroup shape for blocks of 8 columns × `rowBlock` rows (8, or 12: ROWS in conv2d.wgsl) over `cols` ×
 * `rows` outputs: 32 invocations as WGX × WGY with WGY 1, 2 or 4, whichever wastes least on partial blocks
 * (few output channels want WGY small). Measured on GEMM:
 * the shape itself does not change the speed on SwiftShader, only the wasted work does.
 */
function blockShape(cols: number, rows: number, rowBlock = BLOCK): { WGX: number; WGY: number; ROWS: number } {
  let best = { WGX: 8, WGY: 4 }, bestWork = Infinity;
  for (const wgy of [4, 2, 1]) {
    const wgx = 32 / wgy;
    const work = ceilDiv(cols, wgx * BLOCK) * wgx * ceilDiv(rows, wgy * rowBlock) * wgy;
    if (work < bestWork) { best = { WGX: wgx, WGY: wgy }; bestWork = work; }
  }
  return { ...best, ROWS: rowBlock };
}

/** Rows per invocation: 12 for channel counts that 12 divides and 8 does not fill (see ROWS in conv2d.wgsl). */
const rowBlockFor = (rows: number) => (rows % 12 === 0 && rows % 8 !== 0 ? 12 : BLOCK);

/** Grid over `cols` GEMM columns (x, folded into z when large) and `rows` GEMM rows (y). */
function grid(cols: number, rows: number, colsPerInvocation = PER, rowsPerInvocation = PER, wg = { WGX, WGY }): [number, number, number] {
  const gx = ceilDiv(cols, wg.WGX * colsPerInvocation);
  const z = ceilDiv(gx, MAX_X);
  return [ceilDiv(gx, z), ceilDiv(rows, wg.WGY * rowsPerInvocation), z];
}

/** Channels at which the forward puts its input-channel loop innermost (instead of the kx loop). */
const CI_INNER_FROM = 8;

export interface ConvForwardOptions { relu?: boolean; ciInner?: boolean; rows?: number }

export function conv2dForward(x: Tensor, w: Tensor, bias: Tensor | undefined, g: Conv2dGeometry = {}, opts: ConvForwardOptions = {}): Tensor {
  const { y, padded } = conv2dForwardKeepingPadded(x, w, bias, g, opts);
  padded?.dispose();
  return y;
}

/**
 * conv2dForward that also returns the zero-padded input it made (undefined when there is no padding), for
 * the weight gradient to reuse (`conv2dBackwardWeights(…, { padded })`) instead of padding x again: at the
 * default preset's conv1 (16 × 13 × 68 × 260) a padding pass was ~4% of the step's GPU time (docs/performance.md).
 */
export function conv2dForwardKeepingPadded(x: Tensor, w: Tensor, bias: Tensor | undefined, g: Conv2dGeometry = {}, opts: ConvForwardOptions = {}): { y: Tensor; padded?: Tensor } {
  const s = convShape(x.shape, w.shape, g);
  if (bias && bias.size !== s.Cout) throw new Error(`conv2d: bias ${shapeStr(bias.shape)} does not match ${s.Cout} output channels`);
  const y = Tensor.empty([s.N, s.Cout, s.OH, s.OW]);
  if (y.size === 0) return { y };
  const xp = conv2dPadInput(x, s);
  forwardInto(xp, w, bias, y, s, opts);
  return { y, padded: xp !== x ? xp : undefined };
}

/** conv_forward of the padded input xp into y. */
function forwardInto(xp: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, s: ConvShape, opts: ConvForwardOptions = {}): void {
  const e = engine();
  const wg = blockShape(s.N * s.OH * s.OW, s.Cout, opts.rows ?? rowBlockFor(s.Cout));
  e.dispatch(
    { family: CONV2D, entry: 'conv_forward', constants: { ...tapsOf(s), ...wg, HAS_BIAS: Boolean(bias), RELU: Boolean(opts.relu), CI_INNER: opts.ciInner ?? (s.Cin >= CI_INNER_FROM && s.KW < 8) } },
    {
      uniforms: uniformsOf(s),
      bindings: { X: xp, Wt: w, Bias: bias ?? e.placeholder, Y: y },
      workgroups: grid(s.N * s.OH * s.OW, s.Cout, BLOCK, wg.ROWS, wg),
    },
  );
}

/** Gradient with respect to the input x of shape `xShape`. */
export function conv2dBackwardData(dy: Tensor, w: Tensor, xShape: readonly number[], g: Conv2dGeometry = {}): Tensor {
  const s = convShape(xShape, w.shape, g);
  checkDy(dy, s);
  const dx = Tensor.empty(xShape);
  if (dx.size === 0) return dx;
  if (s.SH === 1 && s.SW === 1 && s.PH < s.KH && s.PW < s.KW) {
    // A stride-1 convolution's input gradient is a forward convolution of dy (padded by K-1-P) with the
    // flipped, transposed weights: it runs on the forward kernel's 8×8 blocks over all N·H·W positions
    // (the strided kernel below gives 4 positions of a row phase per invocation, badly filled on the
    // 5×5 maps of small models). Measured A/B: see conv2d.wgsl.
    const t: ConvShape = { N: s.N, Cin: s.Cout, H: s.OH, W: s.OW, Cout: s.Cin, KH: s.KH, KW: s.KW, SH: 1, SW: 1, PH: s.KH - 1 - s.PH, PW: s.KW - 1 - s.PW, OH: s.H, OW: s.W };
    const wf = Tensor.empty([s.Cin, s.Cout, s.KH, s.KW]);
    engine().dispatch(
      { family: CONV2D, entry: 'conv_wflip', constants: kernelOf(s) },
      { uniforms: uniformsOf(s), bindings: { X: w, XP: wf }, workgroups: grid1d(wf.size, 64) },
    );
    const dyp = conv2dPadInput(dy, t);
    forwardInto(dyp, wf, undefined, dx, t);
    if (dyp !== dy) dyp.dispose();
    wf.dispose();
    return dx;
  }
  engine().dispatch(
    { family: CONV2D, entry: 'conv_backward_data', constants: { ...tapsOf(s), ...padOf(s) } },
    { uniforms: uniformsOf(s, 0, false), bindings: { DY: dy, Wt: w, DX: dx }, workgroups: grid(s.N * s.H * s.SW * ceilDiv(ceilDiv(s.W, s.SW), PER), s.Cin, 1) },
  );
  return dx;
}

/**
 * Gradient with respect to the weights of shape `wShape`. `opts.padded`: x already zero-padded by the
 * forward (conv2dForwardKeepingPadded), read instead of padding x again.
 */
export function conv2dBackwardWeights(x: Tensor, dy: Tensor, wShape: readonly number[], g: Conv2dGeometry = {}, opts: { rows?: number; padded?: Tensor } = {}): Tensor {
  const s = convShape(x.shape, wShape, g);
  checkDy(dy, s);
  const taps = s.Cin * s.KH * s.KW;
  const wg = blockShape(taps, s.Cout, opts.rows ?? rowBlockFor(s.Cout));
  const tiles = ceilDiv(taps, wg.WGX * BLOCK) * ceilDiv(s.Cout, wg.WGY * wg.ROWS);
  // Split the reduction over images when the output alone gives too few workgroups to share out.
  const split = Math.max(1, Math.min(s.N, Math.floor(64 / tiles)));
  const nPer = ceilDiv(s.N, split);
  const parts = ceilDiv(s.N, nPer);
  const out = Tensor.empty(parts > 1 ? [parts, s.Cout * taps] : wShape);
  if (opts.padded && opts.padded.shape.join() !== [s.N, s.Cin, s.H + 2 * s.PH, s.W + 2 * s.PW].join()) {
    throw new Error(`conv2d backward: padded input ${shapeStr(opts.padded.shape)} is not x ${shapeStr(x.shape)} padded by ${s.PH},${s.PW}`);
  }
  const xp = opts.padded ?? conv2dPadInput(x, s);
  engine().dispatch(
    { family: CONV2D, entry: 'conv_backward_weights', constants: { ...tapsOf(s), ...wg } },
    { uniforms: uniformsOf(s, nPer), bindings: { X: xp, DY2: dy, DW: out }, workgroups: [ceilDiv(taps, wg.WGX * BLOCK), ceilDiv(s.Cout, wg.WGY * wg.ROWS), parts] },
  );
  if (xp !== x && xp !== opts.padded) xp.dispose();
  if (parts === 1) return out;
  const dw = sumMiddle(out, 1, parts, s.Cout * taps, wShape);
  out.dispose();
  return dw;
}

/** Gradient with respect to the bias: dy summed over images and positions. */
export function conv2dBiasGrad(dy: Tensor): Tensor {
  if (dy.rank !== 4) throw new Error(`conv2dBiasGrad: dy ${shapeStr(dy.shape)} must be rank 4`);
  const [N, Cout, OH, OW] = dy.shape;
  const db = Tensor.empty([Cout]);
  if (Cout === 0) return db;
  engine().dispatch(
    { family: CONV2D, entry: 'conv_bias_grad' },
    { uniforms: { N, Cin: 0, H: 0, W: 0, Cout, OH, OW, nPerSplit: 0, Hp: 0, Wp: 0 }, bindings: { DY: dy, DB: db }, workgroups: [ceilDiv(Cout, 4)] },
  );
  return db;
}

function checkDy(dy: Tensor, s: ConvShape): void {
  const want = [s.N, s.Cout, s.OH, s.OW];
  if (dy.shape.join() !== want.join()) throw new Error(`conv2d backward: dy ${shapeStr(dy.shape)} is not ${shapeStr(want)}`);
}
