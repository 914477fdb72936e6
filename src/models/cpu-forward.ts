/**
 * AlexNet / AlexNet-M-SE inference on the CPU in plain TypeScript, for where there is no WebGPU adapter:
 * the eval-mode forward pass (conv, BatchNorm with running statistics, ReLU, max-pool, LRN, SE, adaptive
 * average pooling, linear; dropout is the identity) and Grad-CAM's backward from the logits to the last
 * convolution. Same layer plan as the GPU network (alexnet-plan.ts), same semantics as the float64
 * references in src/reference/. One image at a time, CHW Float32Array; sums are taken in float64.
 *
 * Speed: convolutions are direct, four output channels at a time over cache-sized float64 accumulators
 * (the innermost loop runs along an output row), BatchNorm is folded into the convolution's per-channel
 * scale and shift. Measured by scripts/time-cpu-backend.ts.
 */
import { alexNetPlan, inputDims, type AlexNetConfig, type AlexNetPlan, type LayerSpec } from './alexnet-plan.js';
import { checkTensorTable, type HostWeights } from './model-file.js';

/** A feature map: C planes of H×W, channel-major. */
interface Act { data: Float32Array; c: number; h: number; w: number }

/** The weights one layer holds, already arranged for the CPU loops. */
type CpuLayer =
  | { kind: 'conv'; spec: Extract<LayerSpec, { kind: 'conv' }>; weight: Float32Array; scale?: Float32Array; shift: Float32Array }
  | { kind: 'relu' | 'flatten' | 'dropout' | 'identity' }
  | { kind: 'maxpool'; kernel: number; stride: number }
  | { kind: 'lrn'; size: number; alpha: number; beta: number; k: number }
  | { kind: 'se'; w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; hidden: number }
  | { kind: 'adaptive-avg-pool'; out: [number, number] }
  | { kind: 'linear'; weight: Float32Array; bias: Float32Array; inFeatures: number; outFeatures: number };

/**
 * The tensors a plan takes from the file, name → shape, in the order alexnet.ts's Module.namedTensors()
 * lists them (every parameter, then every buffer), so that a bad file is refused naming the same tensor.
 */
function expectedTensors(plan: AlexNetPlan): [string, number[]][] {
  const params: [string, number[]][] = [], buffers: [string, number[]][] = [];
  const add = (prefix: string, l: LayerSpec) => {
    switch (l.kind) {
      case 'conv':
        params.push([`${prefix}.weight`, [l.cout, l.cin, l.kernel, l.kernel]]);
        if (l.bias) params.push([`${prefix}.bias`, [l.cout]]);
        break;
      case 'batchnorm':
        params.push([`${prefix}.weight`, [l.channels]], [`${prefix}.bias`, [l.channels]]);
        buffers.push([`${prefix}.running_mean`, [l.channels]], [`${prefix}.running_var`, [l.channels]]);
        break;
      case 'se':
        params.push([`${prefix}.fc1.weight`, [l.hidden, l.channels]], [`${prefix}.fc1.bias`, [l.hidden]], [`${prefix}.fc2.weight`, [l.channels, l.hidden]], [`${prefix}.fc2.bias`, [l.channels]]);
        break;
      case 'linear':
        params.push([`${prefix}.weight`, [l.outFeatures, l.inFeatures]], [`${prefix}.bias`, [l.outFeatures]]);
        break;
      default:
    }
  };
  plan.features.forEach((l, i) => add(`features.${i}`, l));
  plan.head.forEach((l, i) => add(`head.${i}`, l));
  return [...params, ...buffers];
}

export class CpuNetwork {
  private readonly layers: CpuLayer[];
  /** Index in `layers` of the ReLU after the last convolution (BatchNorm is folded, so indices shift). */
  private readonly lastConvActivation: number;
  readonly inputShape: [number, number, number];

  /** Builds the network from a model file's tensors; a table that does not fit the config is a ModelFileError. */
  constructor(readonly config: AlexNetConfig, tensors: Map<string, HostWeights>, source = 'model') {
    const plan = alexNetPlan(config);
    checkTensorTable(tensors, expectedTensors(plan), config.architecture, source);
    const t = (name: string) => tensors.get(name)!.data;
    const layers: CpuLayer[] = [];
    let lastConv = -1;
    plan.features.forEach((l, i) => {
      const p = `features.${i}`;
      if (l.kind === 'batchnorm') {
        // Eval-mode BatchNorm is y = x·scale + shift per channel: fold it into the convolution before it.
        const conv = layers[layers.length - 1];
        if (conv.kind !== 'conv') throw new Error('CpuNetwork: BatchNorm must follow a convolution');
        const [g, b, mean, v] = ['weight', 'bias', 'running_mean', 'running_var'].map((n) => t(`${p}.${n}`));
        const scale = new Float32Array(l.channels), shift = new Float32Array(l.channels);
        for (let c = 0; c < l.channels; c++) {
          // As the GPU kernel and batchNormRef: (x − mean) · (1/√(var + eps)) · γ + β.
          const r = 1 / Math.sqrt(v[c] + l.eps);
          scale[c] = r * g[c];
          shift[c] = (conv.shift[c] - mean[c]) * r * g[c] + b[c];
        }
        conv.scale = scale;
        conv.shift = shift;
        layers.push({ kind: 'identity' });
      } else layers.push(this.layer(l, p, t));
      if (i === plan.lastConvActivation) lastConv = layers.length - 1;
    });
    plan.head.forEach((l, i) => layers.push(this.layer(l, `head.${i}`, t)));
    this.layers = layers;
    this.lastConvActivation = lastConv;
    this.inputShape = [config.inChannels, ...inputDims(config)];
  }

  private layer(l: LayerSpec, p: string, t: (name: string) => Float32Array): CpuLayer {
    switch (l.kind) {
      case 'conv': return { kind: 'conv', spec: l, weight: t(`${p}.weight`), shift: l.bias ? t(`${p}.bias`) : new Float32Array(l.cout) };
      case 'se': return { kind: 'se', w1: t(`${p}.fc1.weight`), b1: t(`${p}.fc1.bias`), w2: t(`${p}.fc2.weight`), b2: t(`${p}.fc2.bias`), hidden: l.hidden };
      case 'linear': return { kind: 'linear', weight: t(`${p}.weight`), bias: t(`${p}.bias`), inFeatures: l.inFeatures, outFeatures: l.outFeatures };
      case 'maxpool': return { kind: 'maxpool', kernel: l.kernel, stride: l.stride };
      case 'lrn': return { kind: 'lrn', size: l.size, alpha: l.alpha, beta: l.beta, k: l.k };
      case 'adaptive-avg-pool': return { kind: 'adaptive-avg-pool', out: l.out };
      case 'batchnorm': throw new Error('unreachable: BatchNorm is folded into its convolution');
      default: return { kind: l.kind };
    }
  }

  private checkInput(input: Float32Array): Act {
    const [c, h, w] = this.inputShape;
    if (input.length !== c * h * w) throw new Error(`CpuNetwork: input has ${input.length} values, the network takes ${c}×${h}×${w}`);
    return { data: input, c, h, w };
  }

  /** The logits for one normalised CHW image. */
  forward(input: Float32Array): Float32Array {
    let x = this.checkInput(input);
    for (const l of this.layers) x = forwardLayer(l, x);
    return x.data;
  }

  /**
   * Grad-CAM's two ingredients for class `cls` (default: the top logit): the last convolution's
   * activations and the gradient of that class's logit with respect to them, plus the logits.
   */
  activationsAndGradient(input: Float32Array, cls?: number): { acts: Float32Array; grad: Float32Array; c: number; h: number; w: number; logits: Float32Array; cls: number } {
    let x = this.checkInput(input);
    const cut = this.lastConvActivation;
    for (let i = 0; i <= cut; i++) x = forwardLayer(this.layers[i], x);
    const acts = x;
    const inputs: Act[] = [];
    for (let i = cut + 1; i < this.layers.length; i++) {
      inputs.push(x);
      x = forwardLayer(this.layers[i], x);
    }
    const logits = x.data;
    const target = cls ?? logits.indexOf(Math.max(...logits));
    let g: Float32Array = new Float32Array(logits.length);
    g[target] = 1;
    for (let i = this.layers.length - 1; i > cut; i--) g = backwardLayer(this.layers[i], inputs[i - cut - 1], g);
    return { acts: acts.data, grad: g, c: acts.c, h: acts.h, w: acts.w, logits, cls: target };
  }
}

function forwardLayer(l: CpuLayer, x: Act): Act {
  switch (l.kind) {
    case 'conv': return conv2d(x, l);
    case 'relu': {
      const out = new Float32Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = x.data[i] > 0 ? x.data[i] : 0;
      return { ...x, data: out };
    }
    case 'maxpool': return maxPool(x, l.kernel, l.stride);
    case 'lrn': return lrn(x, l);
    case 'se': return squeezeExcite(x, l).out;
    case 'adaptive-avg-pool': return x.h === l.out[0] && x.w === l.out[1] ? x : adaptiveAvgPool(x, l.out[0], l.out[1]);
    case 'linear': return { data: linear(x.data, l), c: l.outFeatures, h: 1, w: 1 };
    case 'flatten': return { data: x.data, c: x.data.length, h: 1, w: 1 };
    case 'dropout': case 'identity': return x;
  }
}

/** dL/dx of one layer after the last convolution, given its input x and dL/dy. */
function backwardLayer(l: CpuLayer, x: Act, gy: Float32Array): Float32Array {
  switch (l.kind) {
    case 'relu': {
      const g = new Float32Array(gy.length);
      for (let i = 0; i < g.length; i++) g[i] = x.data[i] > 0 ? gy[i] : 0;
      return g;
    }
    case 'linear': {
      const g = new Float64Array(l.inFeatures);
      for (let o = 0; o < l.outFeatures; o++) {
        const d = gy[o];
        if (d === 0) continue;
        const row = o * l.inFeatures;
        for (let i = 0; i < l.inFeatures; i++) g[i] += d * l.weight[row + i];
      }
      return Float32Array.from(g);
    }
    case 'maxpool': return maxPoolBackward(x, l.kernel, l.stride, gy);
    case 'adaptive-avg-pool': return x.h === l.out[0] && x.w === l.out[1] ? gy : adaptiveAvgPoolBackward(x, l.out[0], l.out[1], gy);
    case 'se': return squeezeExciteBackward(x, l, gy);
    case 'flatten': case 'dropout': case 'identity': return gy;
    case 'conv': case 'lrn': throw new Error(`CpuNetwork: no backward for ${l.kind} (Grad-CAM stops at the last convolution)`);
  }
}

/**
 * Direct convolution, BatchNorm folded: out[co] = (Σ W[co]·x) · scale[co] + shift[co]. Four output
 * channels at a time accumulate in float64 rows the size of one output plane (small enough to stay in
 * cache); for each weight tap the input is read along an output row, contiguously at stride 1. No im2col
 * matrix: for the first layer that would be cin·k²·(output pixels) floats, megabytes streamed repeatedly.
 */
function conv2d(x: Act, l: Extract<CpuLayer, { kind: 'conv' }>): Act {
  const { cin, cout, kernel: k, stride: s, pad: p } = l.spec;
  const { h: H, w: W, data: xd } = x;
  const oh = Math.floor((H + 2 * p - k) / s) + 1, ow = Math.floor((W + 2 * p - k) / s) + 1;
  const n = oh * ow, kk = cin * k * k;
  // The output columns each kernel column kx reaches inside the image (the rest read padding).
  const oxLo = new Int32Array(k), oxHi = new Int32Array(k);
  for (let kx = 0; kx < k; kx++) {
    oxLo[kx] = Math.max(0, Math.ceil((p - kx) / s));
    oxHi[kx] = Math.min(ow, Math.floor((W - 1 + p - kx) / s) + 1);
  }
  const out = new Float32Array(cout * n);
  const acc = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const [a0, a1, a2, a3] = acc;
  const wt = l.weight;
  for (let co0 = 0; co0 < cout; co0 += 4) {
    const m = Math.min(4, cout - co0);
    for (const a of acc) a.fill(0);
    const r0 = co0 * kk, r1 = (co0 + 1) * kk, r2 = (co0 + 2) * kk, r3 = (co0 + 3) * kk;
    for (let ci = 0; ci < cin; ci++) {
      const plane = ci * H * W;
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) {
          const r = (ci * k + ky) * k + kx;
          const w0 = wt[r0 + r], w1 = m > 1 ? wt[r1 + r] : 0, w2 = m > 2 ? wt[r2 + r] : 0, w3 = m > 3 ? wt[r3 + r] : 0;
          const lo = oxLo[kx], hi = oxHi[kx];
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * s - p + ky;
            if (iy < 0 || iy >= H) continue;
            const src = plane + iy * W - p + kx, dst = oy * ow;
            for (let ox = lo; ox < hi; ox++) {
              const v = xd[src + ox * s];
              a0[dst + ox] += w0 * v;
              a1[dst + ox] += w1 * v;
              a2[dst + ox] += w2 * v;
              a3[dst + ox] += w3 * v;
            }
          }
        }
    }
    for (let q = 0; q < m; q++) {
      const co = co0 + q, sc = l.scale ? l.scale[co] : 1, sh = l.shift[co], o = co * n, a = acc[q];
      for (let j = 0; j < n; j++) out[o + j] = a[j] * sc + sh;
    }
  }
  return { data: out, c: cout, h: oh, w: ow };
}

function maxPool(x: Act, k: number, s: number): Act {
  const oh = Math.floor((x.h - k) / s) + 1, ow = Math.floor((x.w - k) / s) + 1;
  const out = new Float32Array(x.c * oh * ow);
  for (let c = 0; c < x.c; c++) {
    const plane = c * x.h * x.w;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity;
        for (let ky = 0; ky < k; ky++) {
          const row = plane + (oy * s + ky) * x.w + ox * s;
          for (let kx = 0; kx < k; kx++) if (x.data[row + kx] > best) best = x.data[row + kx];
        }
        out[(c * oh + oy) * ow + ox] = best;
      }
  }
  return { data: out, c: x.c, h: oh, w: ow };
}

/** Routes each output's gradient to its window's maximum (the first one, in row-major order, on ties). */
function maxPoolBackward(x: Act, k: number, s: number, gy: Float32Array): Float32Array {
  const oh = Math.floor((x.h - k) / s) + 1, ow = Math.floor((x.w - k) / s) + 1;
  const g = new Float32Array(x.data.length);
  for (let c = 0; c < x.c; c++) {
    const plane = c * x.h * x.w;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity, at = -1;
        for (let ky = 0; ky < k; ky++) {
          const row = plane + (oy * s + ky) * x.w + ox * s;
          for (let kx = 0; kx < k; kx++) if (at < 0 || x.data[row + kx] > best) { best = x.data[row + kx]; at = row + kx; }
        }
        g[at] += gy[(c * oh + oy) * ow + ox];
      }
  }
  return g;
}

/** Cross-channel LRN as lrnRef: a_c / (k + alpha/size · Σ a_c'²)^beta. */
function lrn(x: Act, l: { size: number; alpha: number; beta: number; k: number }): Act {
  const hw = x.h * x.w, out = new Float32Array(x.data.length);
  const lo = Math.floor(l.size / 2), hi = Math.floor((l.size - 1) / 2), a = l.alpha / l.size;
  const sq = new Float64Array(hw);
  for (let c = 0; c < x.c; c++) {
    sq.fill(0);
    for (let cc = Math.max(0, c - lo); cc <= Math.min(x.c - 1, c + hi); cc++) {
      const plane = cc * hw;
      for (let i = 0; i < hw; i++) sq[i] += x.data[plane + i] * x.data[plane + i];
    }
    const plane = c * hw;
    for (let i = 0; i < hw; i++) out[plane + i] = x.data[plane + i] / Math.pow(l.k + a * sq[i], l.beta);
  }
  return { ...x, data: out };
}

function linear(x: Float32Array, l: { weight: Float32Array; bias: Float32Array; inFeatures: number; outFeatures: number }): Float32Array {
  const out = new Float32Array(l.outFeatures);
  for (let o = 0; o < l.outFeatures; o++) {
    let s = 0;
    const row = o * l.inFeatures;
    for (let i = 0; i < l.inFeatures; i++) s += l.weight[row + i] * x[i];
    out[o] = s + l.bias[o];
  }
  return out;
}

type SeLayer = Extract<CpuLayer, { kind: 'se' }>;

/** Squeeze-and-excitation: channel weights sigmoid(fc2(relu(fc1(mean over space)))) scale the input. */
function squeezeExcite(x: Act, l: SeLayer): { out: Act; z: Float32Array; hidden: Float32Array; s: Float32Array } {
  const hw = x.h * x.w;
  const z = new Float32Array(x.c);
  for (let c = 0; c < x.c; c++) {
    let sum = 0;
    for (let i = 0; i < hw; i++) sum += x.data[c * hw + i];
    z[c] = sum / hw;
  }
  const fc1 = { weight: l.w1, bias: l.b1, inFeatures: x.c, outFeatures: l.hidden };
  const hidden = linear(z, fc1).map((v) => (v > 0 ? v : 0));
  const a = linear(hidden, { weight: l.w2, bias: l.b2, inFeatures: l.hidden, outFeatures: x.c });
  const s = a.map((v) => 1 / (1 + Math.exp(-v)));
  const out = new Float32Array(x.data.length);
  for (let c = 0; c < x.c; c++) for (let i = 0; i < hw; i++) out[c * hw + i] = x.data[c * hw + i] * s[c];
  return { out: { ...x, data: out }, z, hidden, s };
}

/** y = x · s(x): the gradient reaches x directly (· s) and through the channel weights' dependence on x. */
function squeezeExciteBackward(x: Act, l: SeLayer, gy: Float32Array): Float32Array {
  const { hidden, s } = squeezeExcite(x, l);
  const hw = x.h * x.w, C = x.c;
  const g = new Float32Array(x.data.length);
  const ga = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let ds = 0;
    for (let i = 0; i < hw; i++) {
      ds += gy[c * hw + i] * x.data[c * hw + i];
      g[c * hw + i] = gy[c * hw + i] * s[c];
    }
    ga[c] = ds * s[c] * (1 - s[c]);
  }
  const gh = new Float64Array(l.hidden);
  for (let c = 0; c < C; c++) for (let j = 0; j < l.hidden; j++) gh[j] += ga[c] * l.w2[c * l.hidden + j];
  for (let j = 0; j < l.hidden; j++) if (!(hidden[j] > 0)) gh[j] = 0;
  for (let c = 0; c < C; c++) {
    let gz = 0;
    for (let j = 0; j < l.hidden; j++) gz += gh[j] * l.w1[j * C + c];
    const d = gz / hw;
    for (let i = 0; i < hw; i++) g[c * hw + i] += d;
  }
  return g;
}

/** PyTorch's adaptive average pooling windows: [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉). */
const window = (i: number, size: number, out: number) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];

function adaptiveAvgPool(x: Act, oh: number, ow: number): Act {
  const out = new Float32Array(x.c * oh * ow);
  for (let c = 0; c < x.c; c++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const [ys, ye] = window(oy, x.h, oh), [xs, xe] = window(ox, x.w, ow);
        let sum = 0;
        for (let y = ys; y < ye; y++) for (let xx = xs; xx < xe; xx++) sum += x.data[(c * x.h + y) * x.w + xx];
        out[(c * oh + oy) * ow + ox] = sum / ((ye - ys) * (xe - xs));
      }
  return { data: out, c: x.c, h: oh, w: ow };
}

function adaptiveAvgPoolBackward(x: Act, oh: number, ow: number, gy: Float32Array): Float32Array {
  const g = new Float32Array(x.data.length);
  for (let c = 0; c < x.c; c++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const [ys, ye] = window(oy, x.h, oh), [xs, xe] = window(ox, x.w, ow);
        const d = gy[(c * oh + oy) * ow + ox] / ((ye - ys) * (xe - xs));
        for (let y = ys; y < ye; y++) for (let xx = xs; xx < xe; xx++) g[(c * x.h + y) * x.w + xx] += d;
      }
  return g;
}
