/**
 * Kernel rows: GEMM, AlexNet's five convolutions (forward, backward-data, backward-weights), max-pool 3/2,
 * LRN, BatchNorm and the SE block (forward, and forward+backward through each framework's autograd),
 * plus the cost-growth sweeps (GEMM sizes, conv2 at growing batch).
 */
import type { Tensor as TfTensor, Tensor4D } from '@tensorflow/tfjs';
import {
  type BenchCase, type Maker, type PeerName, type Runner, type SizeConfig,
  hwioToOihw, nchwToNhwc, nhwcToNchw, oihwToHwio, prod, randomArray,
} from './common.js';
import { type TF, tfSync, wasmConvFilterGrad } from '../peers/tfjs-ops.js';
import { Tensor, forwardBackwardRunner, forwardRunner, op, upload } from '../peers/ecgpu.js';
import { conv2dBackwardData, conv2dBackwardWeights } from '../../src/kernels/conv2d.js';
import { PRESETS } from '../../src/train/presets.js';

const convOut = (size: number, k: number, s: number, p: number) => Math.floor((size + 2 * p - k) / s) + 1;
const poolOut = (size: number) => convOut(size, 3, 2, 0);
const shapeStr = (s: readonly number[]) => s.join('×');

// ---- tfjs runners -------------------------------------------------------------------------------

/**
 * A tfjs runner: `fn` runs inside tf.tidy and returns the result; the step waits for it by reading back
 * one element of it (on tfjs-webgpu that waits for the whole queue; cpu/wasm are synchronous anyway).
 * `toEcgpu` converts the result to ecgpu's layout for the cross-check.
 */
export function tfRunner(tf: TF, fn: () => TfTensor, toEcgpu: (data: Float32Array, shape: number[]) => Float32Array, owned: TfTensor[], note?: string): Runner {
  let out: TfTensor | undefined;
  return {
    note,
    async step() {
      out?.dispose();
      out = tf.tidy(fn);
      const probe = tf.tidy(() => tf.slice(tf.reshape(out!, [-1]), [0], [1]));
      await tfSync(probe);
      probe.dispose();
    },
    async output() {
      return toEcgpu((await out!.data()) as Float32Array, out!.shape);
    },
    async memory() {
      const p = await tf.profile(() => tf.tidy(fn));
      return { peakBytes: p.peakBytes };
    },
    dispose() {
      out?.dispose();
      for (const t of owned) t.dispose();
    },
  };
}

const same = (d: Float32Array) => d;
const fromNhwc = (d: Float32Array, s: number[]) => nhwcToNchw(d, s);
const fromHwio = (d: Float32Array, s: number[]) => hwioToOihw(d, s);

const na = (reason: string): Maker => async () => ({ na: reason });

// ---- GEMM ---------------------------------------------------------------------------------------

async function ecgpuMatmul(): Promise<((a: Tensor, b: Tensor) => Tensor) | undefined> {
  const matmul = op<(a: Tensor, b: Tensor, o?: object) => Tensor>('matmul');
  if (matmul) return (a, b) => matmul(a, b);
  try {
    const { gemm } = (await import('../../src/kernels/gemm.js')) as { gemm: (a: Tensor, b: Tensor) => Tensor };
    return (a, b) => gemm(a, b);
  } catch {
    return undefined;
  }
}

export function gemmCase(tf: TF, n: number, section: 'kernels' | 'growth', seed = 7): BenchCase {
  // Made on first use: cases are listed before --only filters them, and 8192² operands are 256 MB each.
  let AB: [Float32Array, Float32Array] | undefined;
  const operands = () => (AB ??= [randomArray(n * n, seed), randomArray(n * n, seed + 1)]);
  return {
    group: section === 'growth' ? 'growth' : 'gemm',
    name: `GEMM ${n}³`,
    shape: `[${n},${n}]·[${n},${n}]`,
    flops: 2 * n * n * n,
    section,
    runs: section === 'growth' ? 3 : undefined,
    make: {
      ecgpu: async () => {
        const mm = await ecgpuMatmul();
        if (!mm) return { na: 'ecgpu matmul/gemm not available yet' };
        const [A, B] = operands();
        const a = upload(A, [n, n]), b = upload(B, [n, n]);
        const r = forwardRunner(() => mm(a, b), [a, b]);
        return { ...r, note: op('matmul') ? undefined : 'kernels/gemm launcher (matmul op not exported yet)' };
      },
      ...peers(tf, () => {
        const [A, B] = operands();
        const a = tf.tensor2d(A, [n, n]), b = tf.tensor2d(B, [n, n]);
        return tfRunner(tf, () => tf.matMul(a, b), same, [a, b]);
      }),
    },
  };
}

/** The same tfjs maker for every peer (the backend is switched before the maker runs). */
function peers(tf: TF, mk: (peer: PeerName) => Runner | { na: string }): Partial<Record<PeerName, Maker>> {
  return {
    'tfjs-webgpu': async () => mk('tfjs-webgpu'),
    'tfjs-wasm': async () => mk('tfjs-wasm'),
    'tfjs-cpu': async () => mk('tfjs-cpu'),
  };
}

// ---- convolutions -------------------------------------------------------------------------------

export interface ConvGeom {
  name: string;
  n: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  h: number;
  /** Input width where it differs from the height (the default preset's 64 × 256 planes). */
  w?: number;
}

export function alexnetConvs(size: SizeConfig): ConvGeom[] {
  const ch = [96, 256, 384, 384, 256].map((c) => Math.max(4, Math.round(c * size.width)));
  const n = size.batch;
  const s1 = size.input;
  const o1 = convOut(s1, 11, 4, 2);
  const s2 = poolOut(o1);
  const s3 = poolOut(convOut(s2, 5, 1, 2));
  return [
    { name: 'conv1', n, cin: 3, cout: ch[0], k: 11, stride: 4, pad: 2, h: s1 },
    { name: 'conv2', n, cin: ch[0], cout: ch[1], k: 5, stride: 1, pad: 2, h: s2 },
    { name: 'conv3', n, cin: ch[1], cout: ch[2], k: 3, stride: 1, pad: 1, h: s3 },
    { name: 'conv4', n, cin: ch[2], cout: ch[3], k: 3, stride: 1, pad: 1, h: s3 },
    { name: 'conv5', n, cin: ch[3], cout: ch[4], k: 3, stride: 1, pad: 1, h: s3 },
  ];
}

type ConvPass = 'forward' | 'backward-data' | 'backward-weights';

/**
 * The default preset's five convolutions (`quick`, what `npm start` trains) at its training batch: the
 * shapes of the training step's rows (AlexNet and AlexNet-M-SE share them), as kernel rows of group
 * `default`, so each gets its own GFLOP/s and share of the ceiling.
 */
export function presetConvs(name = 'quick'): ConvGeom[] {
  const p = PRESETS[name];
  const m = p.model;
  const ch = [96, 256, 384, 384, 256].map((c) => Math.max(4, Math.round(c * m.width)));
  const n = p.train.batchSize;
  const [h1, w1] = [m.inputHeight ?? m.inputSize, m.inputWidth ?? m.inputSize];
  const after = (h: number, w: number, k: number, s: number, pad: number) => [poolOut(convOut(h, k, s, pad)), poolOut(convOut(w, k, s, pad))];
  const [h2, w2] = after(h1, w1, 11, 4, 2);
  const [h3, w3] = after(h2, w2, 5, 1, 2);
  return [
    { name: 'default conv1', n, cin: m.inChannels, cout: ch[0], k: 11, stride: 4, pad: 2, h: h1, w: w1 },
    { name: 'default conv2', n, cin: ch[0], cout: ch[1], k: 5, stride: 1, pad: 2, h: h2, w: w2 },
    { name: 'default conv3', n, cin: ch[1], cout: ch[2], k: 3, stride: 1, pad: 1, h: h3, w: w3 },
    { name: 'default conv4', n, cin: ch[2], cout: ch[3], k: 3, stride: 1, pad: 1, h: h3, w: w3 },
    { name: 'default conv5', n, cin: ch[3], cout: ch[4], k: 3, stride: 1, pad: 1, h: h3, w: w3 },
  ];
}

/**
 * The default preset's convolution rows: each layer's forward, backward-data (not conv1's: the input
 * needs no gradient) and backward-weights, as the training step runs them.
 */
export function presetConvCases(tf: TF): BenchCase[] {
  return presetConvs().flatMap((g) => (['forward', 'backward-data', 'backward-weights'] as ConvPass[])
    .filter((pass) => !(g.name.endsWith('conv1') && pass === 'backward-data'))
    .map((pass) => ({ ...convCase(tf, g, pass), group: 'default' })));
}

export function convCase(tf: TF, g: ConvGeom, pass: ConvPass, section: 'kernels' | 'growth' = 'kernels'): BenchCase {
  const gw = g.w ?? g.h;
  const o = convOut(g.h, g.k, g.stride, g.pad), ow = convOut(gw, g.k, g.stride, g.pad);
  const xS = [g.n, g.cin, g.h, gw], wS = [g.cout, g.cin, g.k, g.k], yS = [g.n, g.cout, o, ow];
  const X = randomArray(prod(xS), 11), Wt = randomArray(prod(wS), 12, Math.sqrt(3 / (g.cin * g.k * g.k)));
  const Bs = randomArray(g.cout, 13, 0.1), DY = randomArray(prod(yS), 14);
  const flops = 2 * g.n * g.cout * o * ow * g.cin * g.k * g.k;
  const attrs = { stride: g.stride, pad: g.pad };
  const tfPad = g.pad;
  const ecgpu: Maker = async () => {
    const conv2d = op<(x: Tensor, w: Tensor, b: Tensor | undefined, a: object) => Tensor>('conv2d');
    if (!conv2d) return { na: 'ecgpu conv2d not available yet' };
    const x = upload(X, xS), w = upload(Wt, wS), b = upload(Bs, [g.cout]);
    if (pass === 'forward') return forwardRunner(() => conv2d(x, w, b, attrs), [x, w, b]);
    // Backward: the kernels the conv2d op's backward calls, each on its own (as tfjs's rows below).
    const dy = upload(DY, yS);
    const run = pass === 'backward-data' ? () => conv2dBackwardData(dy, w, xS, attrs) : () => conv2dBackwardWeights(x, dy, wS, attrs);
    return forwardRunner(run, [x, w, b, dy]);
  };
  const tfMake = (peer: PeerName): Runner | { na: string } => {
    const x = tf.tensor4d(nchwToNhwc(X, xS), [g.n, g.h, gw, g.cin]);
    const w = tf.tensor4d(oihwToHwio(Wt, wS), [g.k, g.k, g.cin, g.cout]);
    const b = tf.tensor1d(Bs);
    const dy = tf.tensor4d(nchwToNhwc(DY, yS), [g.n, o, ow, g.cout]);
    const owned = [x, w, b, dy];
    if (pass === 'forward') {
      return tfRunner(tf, () => tf.fused.conv2d({ x, filter: w, bias: b, strides: g.stride, pad: tfPad }), fromNhwc, owned);
    }
    if (pass === 'backward-data') {
      return tfRunner(
        tf,
        () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: g.stride, pad: tfPad, dataFormat: 'NHWC', inputShape: x.shape } as never) as TfTensor,
        fromNhwc, owned,
      );
    }
    if (peer === 'tfjs-wasm') {
      return tfRunner(tf, () => wasmConvFilterGrad(tf, x as Tensor4D, dy as Tensor4D, w.shape, g.stride, tfPad), fromHwio, owned,
        'tfjs-wasm has no Conv2DBackpropFilter: gradient supplied by the bench from wasm conv2d (dilated)');
    }
    return tfRunner(
      tf,
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: g.stride, pad: tfPad, dataFormat: 'NHWC', filterShape: w.shape } as never) as TfTensor,
      fromHwio, owned,
    );
  };
  return {
    group: section === 'growth' ? 'growth' : 'conv',
    name: section === 'growth' ? `${g.name} batch ${g.n}` : `${g.name} ${pass}`,
    shape: `x ${shapeStr(xS)}, W ${shapeStr(wS)}${g.stride > 1 ? `/${g.stride}` : ''} pad ${g.pad}`,
    flops,
    section,
    runs: section === 'growth' ? 3 : undefined,
    make: { ecgpu, ...peers(tf, tfMake) },
  };
}

// ---- pooling, LRN, BatchNorm, SE -----------------------------------------------------------------

/**
 * A memory-bound layer as two rows: forward, and forward+backward through each framework's autograd
 * with a fixed output gradient (the cross-checked result is then the input gradient).
 */
interface LayerSpec {
  group: string;
  name: string;
  xShape: number[];
  yShape: number[];
  /** Host parameters (NCHW-world layout) by name. */
  params?: Record<string, { data: Float32Array; shape: number[] }>;
  ecgpu(x: Tensor, p: Record<string, Tensor>): Tensor;
  /** x is NHWC here; returns NHWC. */
  tfjs(tf: TF, x: TfTensor, p: Record<string, TfTensor>): TfTensor;
  /** Converts a host parameter to tfjs's layout (default: unchanged). */
  tfParam?(name: string, data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] };
  peerNa?: Partial<Record<PeerName, string>>;
}

function layerCases(tf: TF, L: LayerSpec): BenchCase[] {
  const X = randomArray(prod(L.xShape), 21), DY = randomArray(prod(L.yShape), 22);
  const nhwc = (s: number[]) => [s[0], s[2], s[3], s[1]];
  const mk = (withGrad: boolean): BenchCase => ({
    group: L.group,
    name: `${L.name} ${withGrad ? 'forward+backward' : 'forward'}`,
    shape: `x ${shapeStr(L.xShape)}`,
    flops: 0,
    section: 'kernels',
    make: {
      ecgpu: async () => {
        const x = upload(X, L.xShape, withGrad);
        const p: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(L.params ?? {})) p[k] = upload(v.data, v.shape, withGrad);
        const owned = [x, ...Object.values(p)];
        if (!withGrad) return forwardRunner(() => L.ecgpu(x, p), owned);
        const dy = upload(DY, L.yShape);
        return forwardBackwardRunner(() => L.ecgpu(x, p), dy, x, owned, [...owned, dy]);
      },
      ...peers(tf, (peer) => {
        if (L.peerNa?.[peer]) return { na: L.peerNa[peer]! };
        const x = tf.tensor4d(nchwToNhwc(X, L.xShape), nhwc(L.xShape) as [number, number, number, number]);
        const p: Record<string, TfTensor> = {};
        for (const [k, v] of Object.entries(L.params ?? {})) {
          const c = L.tfParam ? L.tfParam(k, v.data, v.shape) : v;
          p[k] = tf.tensor(c.data, c.shape);
        }
        const owned = [x, ...Object.values(p)];
        if (!withGrad) return tfRunner(tf, () => L.tfjs(tf, x, p), fromNhwc, owned);
        const dy = tf.tensor4d(nchwToNhwc(DY, L.yShape), nhwc(L.yShape) as [number, number, number, number]);
        const keys = Object.keys(p);
        // tf.grads over x and every parameter (as a training step would), result: dx.
        const g = tf.grads((xx: TfTensor, ...ps: TfTensor[]) => L.tfjs(tf, xx, Object.fromEntries(keys.map((k, i) => [k, ps[i]]))));
        return tfRunner(tf, () => g([x, ...keys.map((k) => p[k])], dy)[0], fromNhwc, [...owned, dy]);
      }),
    },
  });
  return [mk(false), mk(true)];
}

export function layerCasesFor(tf: TF, size: SizeConfig): BenchCase[] {
  const [c1, , , , c5] = alexnetConvs(size);
  const o1 = convOut(c1.h, c1.k, c1.stride, c1.pad);
  const act1 = [size.batch, c1.cout, o1, o1];
  const p1 = poolOut(o1);
  const s5 = poolOut(c5.h);
  const act5 = [size.batch, c5.cout, s5, s5];
  const C = act1[1];
  const lrn = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };
  const hidden = Math.max(1, Math.round(act5[1] / 16));
  const out: BenchCase[] = [];
  out.push(...layerCases(tf, {
    group: 'pool', name: 'max-pool 3/2', xShape: act1, yShape: [act1[0], C, p1, p1],
    ecgpu: (x) => op<(x: Tensor, a: object) => Tensor>('maxPool2d')!(x, { kernel: 3, stride: 2 }),
    tfjs: (tf, x) => tf.maxPool(x as Tensor4D, 3, 2, 'valid'),
  }));
  out.push(...layerCases(tf, {
    group: 'lrn', name: 'LRN (size 5)', xShape: act1, yShape: act1,
    ecgpu: (x) => op<(x: Tensor, a: object) => Tensor>('lrn')!(x, lrn),
    // PyTorch's convention a / (k + α/n Σ a²)^β is tfjs's with depthRadius (n−1)/2 and alpha α/n.
    tfjs: (tf, x) => tf.localResponseNormalization(x as Tensor4D, (lrn.size - 1) / 2, lrn.k, lrn.alpha / lrn.size, lrn.beta),
  }));
  out.push(...layerCases(tf, {
    group: 'bn', name: 'BatchNorm (training, batch stats)', xShape: act1, yShape: act1,
    params: { gamma: { data: randomArray(C, 31, 0.5).map((v) => 1 + v), shape: [C] }, beta: { data: randomArray(C, 32, 0.5), shape: [C] } },
    ecgpu: (x, p) => op<(...a: unknown[]) => Tensor>('batchNorm')!(x, p.gamma, p.beta, null, { training: true, eps: 1e-5 }),
    tfjs: (tf, x, p) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, p.beta as never, p.gamma as never, 1e-5);
    },
  }));
  const seW = (seed: number, o: number, i: number) => ({ data: randomArray(o * i, seed, Math.sqrt(3 / i)), shape: [o, i] });
  out.push(...layerCases(tf, {
    group: 'se', name: `SE block (r 16, ${hidden} hidden)`, xShape: act5, yShape: act5,
    params: {
      w1: seW(41, hidden, act5[1]), b1: { data: randomArray(hidden, 42, 0.1), shape: [hidden] },
      w2: seW(43, act5[1], hidden), b2: { data: randomArray(act5[1], 44, 0.1), shape: [act5[1]] },
    },
    // Linear weights are [out, in] in ecgpu and [in, out] in tfjs.
    tfParam: (k, d, s) => (k.startsWith('w') ? { data: hwT(d, s), shape: [s[1], s[0]] } : { data: d, shape: s }),
    ecgpu: (x, p) => {
      const linear = op<(x: Tensor, w: Tensor, b: Tensor) => Tensor>('linear');
      if (!linear) throw new Error('ecgpu linear not available yet');
      const a = op<(x: Tensor) => Tensor>('globalAvgPool')!(x);
      const h = op<(x: Tensor) => Tensor>('relu')!(linear(a, p.w1, p.b1));
      const s = op<(x: Tensor) => Tensor>('sigmoid')!(linear(h, p.w2, p.b2));
      return op<(x: Tensor, s: Tensor) => Tensor>('channelScale')!(x, s);
    },
    tfjs: (tf, x, p) => {
      const a = tf.mean(x, [1, 2]);
      const h = tf.relu(tf.add(tf.matMul(a, p.w1), p.b1));
      const s = tf.sigmoid(tf.add(tf.matMul(h, p.w2), p.b2));
      return tf.mul(x, tf.reshape(s, [x.shape[0], 1, 1, x.shape[3]!]));
    },
  }));
  return out;
}

const hwT = (d: Float32Array, s: number[]) => {
  const [r, c] = s;
  const t = new Float32Array(d.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = d[i * c + j];
  return t;
};

export function kernelCases(tf: TF, size: SizeConfig): BenchCase[] {
  const cases: BenchCase[] = (size.gemmKernels ?? [size.gemm]).map((n) => gemmCase(tf, n, 'kernels'));
  for (const g of alexnetConvs(size)) for (const pass of ['forward', 'backward-data', 'backward-weights'] as ConvPass[]) cases.push(convCase(tf, g, pass));
  cases.push(...layerCasesFor(tf, size));
  return cases;
}

export function growthCases(tf: TF, size: SizeConfig): BenchCase[] {
  const cases: BenchCase[] = size.gemmSweep.map((n) => gemmCase(tf, n, 'growth', 100 + n));
  const conv2 = alexnetConvs(size)[1];
  for (const n of size.convSweep) cases.push(convCase(tf, { ...conv2, n }, 'forward', 'growth'));
  return cases;
}

export { na };
