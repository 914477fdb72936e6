/**
 * End-to-end rows: AlexNet and AlexNet-M-SE, forward (inference: eval mode) and one full training step
 * (forward, softmax cross-entropy, backward, SGD with momentum) on a batch; and the default preset's
 * training step (group `default`) at that preset's geometry, read from src/train/presets.ts at run time.
 *
 * ecgpu runs the project's own model (src/models/alexnet.ts). The tfjs network is built from tf ops with
 * the same layers in the same order and with ecgpu's weights copied into it (conv weights transposed to
 * [kh, kw, ci, co], linear weights to [in, out], fc6's rows permuted from NCHW- to NHWC-flatten order),
 * so forward logits and the first convolution's weight gradient can be cross-checked.
 *
 * Dropout is disabled (p = 0) in both frameworks: masks cannot match across frameworks, which would make
 * the training-step cross-check meaningless, and its cost is a small elementwise kernel.
 */
import type { Tensor as TfTensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import { type BenchCase, type Maker, type PeerName, type Runner, type SizeConfig, hwioToOihw, nchwToNhwc, oihwToHwio, prod, randomArray } from './common.js';
import { type TF, tfSync } from '../peers/tfjs-ops.js';
import { Tensor, engine, op, tidy } from '../peers/ecgpu.js';
import { autograd } from '../peers/ecgpu.js';
import type { AlexNetConfig } from '../../src/models/alexnet.js';
import { PRESETS } from '../../src/train/presets.js';

type Arch = 'alexnet' | 'alexnet-m-se';
type Models = typeof import('../../src/models/alexnet.js');
type Layers = typeof import('../../src/models/layers.js');

let modelsModule: { models: Models; layers: Layers; optim: typeof import('../../src/optim/index.js') } | { error: string } | undefined;

/** src/models imports ops (conv2d, linear) that may not exist yet: load it lazily and report why not. */
export async function loadModels() {
  if (!modelsModule) {
    try {
      modelsModule = {
        models: await import('../../src/models/alexnet.js'),
        layers: await import('../../src/models/layers.js'),
        optim: await import('../../src/optim/index.js'),
      };
    } catch (e) {
      modelsModule = { error: `ecgpu models not loadable yet (${String((e as Error).message).split('\n')[0].slice(0, 120)})` };
    }
  }
  return modelsModule;
}

const LR = 0.01, MOMENTUM = 0.9;

/** The preset `npm start` / `ecgpu compare` run without --preset (src/cli/experiment-commands.ts). */
export const DEFAULT_PRESET = 'quick';

export interface ModelSetup {
  batch: number;
  /** The network (dropout 0, see above; seed 1). */
  config: AlexNetConfig;
  /** Row name after "<arch> <forward|train step> ". */
  title: string;
  /** Selection group (--only). */
  group: string;
  /** Appended to the input's description in the shape column (e.g. the preset's render layout). */
  inputNote?: string;
}

/** [height, width] of the input (AlexNetConfig's inputHeight/inputWidth override the square inputSize). */
const inputHW = (c: AlexNetConfig): [number, number] => [c.inputHeight ?? c.inputSize, c.inputWidth ?? c.inputSize];

/** A bench network: the given geometry, dropout off, fixed seed (so ecgpu and tfjs start from the same weights). */
export function benchConfig(arch: Arch, g: Omit<AlexNetConfig, 'architecture' | 'seed' | 'dropout'>): AlexNetConfig {
  return { ...g, dropout: 0, seed: 1, architecture: arch };
}

/** Parameters and buffers read back from an ecgpu model, with the layer structure for tfjs. */
type TfLayer =
  | { kind: 'conv'; w: number; b?: number; stride: number; pad: number }
  | { kind: 'bn'; gamma: number; beta: number; mean: number; variance: number; eps: number }
  | { kind: 'relu' } | { kind: 'lrn'; size: number; alpha: number; beta: number; k: number }
  | { kind: 'maxpool'; k: number; s: number } | { kind: 'avgpool'; rows: Window[]; cols: Window[] } | { kind: 'flatten' }
  | { kind: 'linear'; w: number; b: number } | { kind: 'se'; w1: number; b1: number; w2: number; b2: number };

export interface Extracted {
  layers: TfLayer[];
  /** Host arrays in tfjs layout with their shapes. */
  tensors: { data: Float32Array; shape: number[] }[];
  /** Index in `tensors` of conv1's weight (the cross-checked gradient). */
  conv1: number;
}

/** [start, end) of one adaptive-pooling window along an axis. */
export type Window = [number, number];

/** PyTorch's adaptive average pooling windows along one axis: window i spans [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). */
export function adaptiveWindows(n: number, out: number): Window[] {
  return Array.from({ length: out }, (_, i): Window => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
}

/** [size, stride] when every window has the same size and they start at 0, stride, 2·stride, …; else undefined. */
function uniformWindows(w: Window[]): [number, number] | undefined {
  const size = w[0][1] - w[0][0], stride = w.length > 1 ? w[1][0] - w[0][0] : 1;
  return w.every(([a, b], i) => a === i * stride && b - a === size) ? [size, stride] : undefined;
}

/** Adaptive average pooling of an NHWC tensor, as ecgpu's (and PyTorch's): one tf.avgPool where the windows are uniform, else a mean per output cell. */
export function tfAdaptiveAvgPool(tf: TF, x: TfTensor, rows: Window[], cols: Window[]): TfTensor {
  const r = uniformWindows(rows), c = uniformWindows(cols);
  if (r && c) return tf.avgPool(x as Tensor4D, [r[0], c[0]], [r[1], c[1]], 'valid');
  const cell = ([r0, r1]: Window, [c0, c1]: Window) => tf.mean(tf.slice(x, [0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]), [1, 2], true);
  return tf.concat(rows.map((rw) => tf.concat(cols.map((cw) => cell(rw, cw)), 2)), 1);
}

async function extract(model: InstanceType<Models['AlexNet']>, L: Layers, cfg: AlexNetConfig): Promise<Extracted> {
  const tensors: Extracted['tensors'] = [];
  const add = (data: Float32Array, shape: number[]) => tensors.push({ data, shape }) - 1;
  const conv = async (c: InstanceType<Layers['Conv2d']>) => {
    const s = [c.cout, c.cin, c.kernel, c.kernel];
    return add(oihwToHwio(await c.weight.read(), s), [c.kernel, c.kernel, c.cin, c.cout]);
  };
  const linear = async (l: InstanceType<Layers['Linear']>, permute?: { C: number; HW: number }) => {
    const w = await l.weight.read();
    const [o, i] = [l.outFeatures, l.inFeatures];
    const t = new Float32Array(w.length);
    for (let r = 0; r < o; r++) {
      for (let c = 0; c < i; c++) {
        // tfjs flattens NHWC: input index (h·W + w)·C + ch holds ecgpu's (NCHW) ch·H·W + h·W + w.
        let ti = c;
        if (permute) {
          const { C, HW } = permute;
          ti = (c % HW) * C + Math.floor(c / HW);
        }
        t[ti * o + r] = w[r * i + c];
      }
    }
    return { w: add(t, [i, o]), b: add(await l.bias.read(), [o]) };
  };
  const layers: TfLayer[] = [];
  let C = cfg.inChannels, conv1 = -1;
  let [H, W] = inputHW(cfg);
  const out = (n: number, k: number, st: number, p: number) => Math.floor((n + 2 * p - k) / st) + 1;
  for (const m of model.features.layers) {
    if (m instanceof L.Conv2d) {
      const w = await conv(m);
      if (conv1 < 0) conv1 = w;
      layers.push({ kind: 'conv', w, b: m.bias ? add(await m.bias.read(), [m.cout]) : undefined, stride: m.stride, pad: m.pad });
      C = m.cout;
      [H, W] = [out(H, m.kernel, m.stride, m.pad), out(W, m.kernel, m.stride, m.pad)];
    } else if (m instanceof L.BatchNorm) {
      layers.push({
        kind: 'bn', gamma: add(await m.gamma.read(), [m.channels]), beta: add(await m.beta.read(), [m.channels]),
        mean: add(await m.runningMean.read(), [m.channels]), variance: add(await m.runningVar.read(), [m.channels]), eps: m.eps,
      });
    } else if (m instanceof L.ReLU) layers.push({ kind: 'relu' });
    else if (m instanceof L.LRN) layers.push({ kind: 'lrn', size: m.size, alpha: m.alpha, beta: m.beta, k: m.k });
    else if (m instanceof L.MaxPool2d) {
      if (m.pad) throw new Error('bench: padded max-pool not mirrored in tfjs');
      layers.push({ kind: 'maxpool', k: m.kernel, s: m.stride });
      [H, W] = [out(H, m.kernel, m.stride, 0), out(W, m.kernel, m.stride, 0)];
    } else if (m instanceof L.SqueezeExcite) {
      const a = await linear(m.fc1), b = await linear(m.fc2);
      layers.push({ kind: 'se', w1: a.w, b1: a.b, w2: b.w, b2: b.b });
    } else if (m instanceof L.AdaptiveAvgPool2d) {
      // ecgpu's layer returns its input unchanged when it is the identity; so does the tfjs network.
      if (m.out[0] !== H || m.out[1] !== W) layers.push({ kind: 'avgpool', rows: adaptiveWindows(H, m.out[0]), cols: adaptiveWindows(W, m.out[1]) });
      [H, W] = m.out;
    } else throw new Error(`bench: unknown feature layer ${m.constructor.name}`);
  }
  let first = true;
  for (const m of model.head.layers) {
    if (m instanceof L.Flatten) layers.push({ kind: 'flatten' });
    else if (m instanceof L.Linear) {
      const { w, b } = await linear(m, first ? { C, HW: H * W } : undefined);
      first = false;
      layers.push({ kind: 'linear', w, b });
    } else if (m instanceof L.ReLU) layers.push({ kind: 'relu' });
    else if (m instanceof L.Dropout) continue; // p = 0 in the bench
    else throw new Error(`bench: unknown head layer ${m.constructor.name}`);
  }
  return { layers, tensors, conv1 };
}

/** The tfjs network: x is NHWC; `training` selects batch statistics in BatchNorm; `onPool` sees each max-pool's input. */
function tfForward(tf: TF, net: Extracted, vars: TfTensor[], x: TfTensor, training: boolean, onPool?: (input: TfTensor, k: number, s: number) => void): TfTensor {
  let h = x;
  for (const l of net.layers) {
    switch (l.kind) {
      case 'conv':
        if (training && tf.getBackend() === 'wasm') {
          // fused.conv2d's gradient calls Conv2DBackpropFilter directly, which tfjs-wasm lacks: train through
          // conv2d + add so that the bench-supplied Conv2D gradient (peers/tfjs.ts) is used.
          h = tf.conv2d(h as Tensor4D, vars[l.w] as Tensor4D, l.stride, l.pad);
          if (l.b !== undefined) h = tf.add(h, vars[l.b]);
          break;
        }
        h = tf.fused.conv2d({ x: h as Tensor4D, filter: vars[l.w] as Tensor4D, bias: l.b === undefined ? undefined : vars[l.b], strides: l.stride, pad: l.pad });
        break;
      case 'bn': {
        const { mean, variance } = training ? tf.moments(h, [0, 1, 2]) : { mean: vars[l.mean], variance: vars[l.variance] };
        h = tf.batchNorm(h, mean, variance, vars[l.beta], vars[l.gamma], l.eps);
        break;
      }
      case 'relu':
        h = tf.relu(h);
        break;
      case 'lrn':
        h = tf.localResponseNormalization(h as Tensor4D, (l.size - 1) / 2, l.k, l.alpha / l.size, l.beta);
        break;
      case 'maxpool':
        onPool?.(h, l.k, l.s);
        h = tf.maxPool(h as Tensor4D, l.k, l.s, 'valid');
        break;
      case 'avgpool':
        h = tfAdaptiveAvgPool(tf, h, l.rows, l.cols);
        break;
      case 'se': {
        const a = tf.mean(h, [1, 2]);
        const z = tf.relu(tf.fused.matMul({ a, b: vars[l.w1], bias: vars[l.b1] }));
        const s = tf.sigmoid(tf.fused.matMul({ a: z, b: vars[l.w2], bias: vars[l.b2] }));
        h = tf.mul(h, tf.reshape(s, [h.shape[0], 1, 1, h.shape[3]!]));
        break;
      }
      case 'flatten':
        h = tf.reshape(h, [h.shape[0], -1]);
        break;
      case 'linear':
        h = tf.fused.matMul({ a: h as never, b: vars[l.w] as never, bias: vars[l.b] });
        break;
    }
  }
  return h;
}

/**
 * Max-pool windows (valid, NHWC) of the training forward whose two largest inputs lie within 1e-6 of
 * each other (relative). There the two frameworks' float32 rounding can pick different maxima, so that
 * window's gradient reaches a different input and conv1's weight gradient differs by a whole patch
 * (seen at 12×64×256, batch 16: one such window gave max rel 3e-2, with tfjs-cpu and tfjs-wasm agreeing).
 */
export async function poolNearTies(tf: TF, net: Extracted, vars: TfTensor[], x: TfTensor): Promise<number> {
  const pools: { t: TfTensor; k: number; s: number }[] = [];
  tf.tidy(() => {
    tfForward(tf, net, vars, x, true, (t, k, s) => pools.push({ t: tf.keep(t), k, s }));
  });
  let near = 0;
  for (const { t, k, s } of pools) {
    const [n, h, w, c] = t.shape as number[];
    const d = (await t.data()) as Float32Array;
    t.dispose();
    const oh = Math.floor((h - k) / s) + 1, ow = Math.floor((w - k) / s) + 1;
    for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let ch = 0; ch < c; ch++) {
      let top = -Infinity, second = -Infinity;
      for (let ki = 0; ki < k; ki++) for (let kj = 0; kj < k; kj++) {
        const v = d[((b * h + i * s + ki) * w + j * s + kj) * c + ch];
        if (v > top) [top, second] = [v, top];
        else if (v > second) second = v;
      }
      if (top > 0 && top - second < 1e-6 * top) near++;
    }
  }
  return near;
}

function tfLoss(tf: TF, logits: TfTensor, labels: TfTensor) {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1))) as import('@tensorflow/tfjs').Scalar;
}

/** Host inputs shared by both frameworks. */
function batchData(s: ModelSetup) {
  const shape = [s.batch, s.config.inChannels, ...inputHW(s.config)];
  const labels = Array.from({ length: s.batch }, (_, i) => (i * 7 + 3) % s.config.numClasses);
  return { x: randomArray(prod(shape), 51), shape, labels };
}

export interface E2eOptions {
  /** Time tfjs-webgpu's training steps too (off by default: minutes per step on SwiftShader). */
  webgpuTrain?: boolean;
  /** Which rows: eval-mode forward, training step (default both). */
  modes?: ('forward' | 'train')[];
  /** Add the default preset's training step at batch 16 (group `default`). */
  presetRows?: boolean;
}

export function e2eCases(tf: TF, size: SizeConfig, archs: Arch[] = ['alexnet', 'alexnet-m-se'], o: E2eOptions = {}): BenchCase[] {
  const out: BenchCase[] = [];
  for (const arch of archs) {
    for (const input of size.e2eInputs) {
      const config = benchConfig(arch, { inputSize: input, inChannels: 3, numClasses: 10, width: size.width, fcWidth: size.fcWidth, seReduction: 16 });
      const setup: ModelSetup = { batch: size.e2eBatch, config, title: `${input}²`, group: 'e2e' };
      for (const mode of o.modes ?? ['forward', 'train']) out.push(e2eCase(tf, setup, mode === 'train', o));
    }
  }
  if (o.presetRows && (o.modes ?? ['train']).includes('train')) for (const arch of archs) out.push(e2eCase(tf, presetSetup(arch), true, o));
  return out;
}

/** The default preset's network and training batch, as the trainer builds them (dropout aside). */
export function presetSetup(arch: Arch, name = DEFAULT_PRESET): ModelSetup {
  const p = PRESETS[name];
  if (!p) throw new Error(`bench: no preset '${name}' in src/train/presets.ts`);
  const { dropout: _, ...geometry } = p.model;
  return {
    batch: p.train.batchSize,
    config: benchConfig(arch, geometry),
    title: `— default preset (${p.name}) b${p.train.batchSize}`,
    group: 'default',
    inputNote: p.render.layout,
  };
}

/**
 * Forward FLOPs per image, the same count as AlexNet.flopsPerImage (conv/linear multiply-adds ×2 plus
 * BatchNorm, LRN, pooling and SE), computed without building the model (no GPU buffers).
 */
export function flopsOf(c: AlexNetConfig): number {
  const bn = c.architecture === 'alexnet-m-se';
  const ch = [96, 256, 384, 384, 256].map((n) => Math.max(4, Math.round(n * c.width)));
  const out = (n: number, k: number, st: number, p: number) => Math.floor((n + 2 * p - k) / st) + 1;
  let [h, w] = inputHW(c), f = 0, C = c.inChannels;
  const conv = (i: number, k: number, st: number, p: number) => {
    [h, w] = [out(h, k, st, p), out(w, k, st, p)];
    f += 2 * ch[i] * h * w * C * k * k;
    C = ch[i];
    if (bn) f += 4 * C * h * w;
  };
  const lrn = () => (f += bn ? 0 : 12 * C * h * w);
  const pool = () => {
    [h, w] = [out(h, 3, 2, 0), out(w, 3, 2, 0)];
    f += 9 * C * h * w;
  };
  conv(0, 11, 4, 2); lrn(); pool(); conv(1, 5, 1, 2); lrn(); pool(); conv(2, 3, 1, 1); conv(3, 3, 1, 1); conv(4, 3, 1, 1); pool();
  if (bn) f += 4 * C * Math.max(1, Math.round(C / c.seReduction)) + 2 * C * h * w;
  f += C * h * w; // adaptive average pooling (to at most 6×6)
  const flat = C * Math.min(6, h) * Math.min(6, w);
  f += 2 * (flat * c.fcWidth + c.fcWidth * c.fcWidth + c.fcWidth * c.numClasses);
  return f;
}

export function e2eCase(tf: TF, s: ModelSetup, train: boolean, o: E2eOptions = {}): BenchCase {
  const data = batchData(s);
  const cfg = s.config;
  const [H, W] = inputHW(cfg);
  const perImage = flopsOf(cfg);
  // A training step ≈ 3× the forward's multiply-adds (forward, backward-data, backward-weights).
  const flops = perImage * s.batch * (train ? 3 : 1);
  let shared: Extracted | undefined;
  /** ecgpu's initial weights (same seed as the ecgpu row's model), in tfjs layout. */
  const weights = async (): Promise<Extracted | string> => {
    if (shared) return shared;
    const mm = await loadModels();
    if ('error' in mm) return mm.error;
    const model = mm.models.createModel(cfg);
    try {
      shared = await extract(model, mm.layers, cfg);
    } finally {
      model.dispose();
    }
    return shared;
  };

  const ecgpu: Maker = async () => {
    const mm = await loadModels();
    if ('error' in mm) return { na: mm.error };
    const model = mm.models.createModel(cfg);
    const x = Tensor.from(data.x, data.shape);
    const labels = Tensor.from(data.labels, [s.batch], 'i32');
    const softmaxCrossEntropy = op<(l: Tensor, y: Tensor) => Tensor>('softmaxCrossEntropy')!;
    if (!train) {
      model.eval();
      let logits: Tensor | undefined;
      return {
        async step() {
          logits?.dispose();
          logits = tidy(() => autograd.noGrad(() => model.forward(x)));
          await engine().sync();
        },
        output: () => logits!.read(),
        memory: async () => ecgpuMemory(),
        profile: () => ecgpuProfile(async () => { tidy(() => { autograd.noGrad(() => model.forward(x)); }); }),
        dispose() { logits?.dispose(); x.dispose(); labels.dispose(); model.dispose(); },
      };
    }
    model.train();
    const opt = new mm.optim.SGD(model.parameters(), { lr: LR, momentum: MOMENTUM });
    // Cross-check pass on the initial weights: loss and conv1's weight gradient, no update.
    const w1 = model.parameters()[0];
    const lossT = tidy(() => {
      const loss = softmaxCrossEntropy(model.forward(x), labels);
      autograd.backward(loss);
      return loss;
    });
    const check = { dw: await w1.grad!.read(), loss: (await lossT.read())[0] };
    lossT.dispose();
    opt.zeroGrad();
    const step = () => {
      tidy(() => {
        autograd.backward(softmaxCrossEntropy(model.forward(x), labels));
        opt.step();
        opt.zeroGrad();
      });
    };
    return {
      note: 'ecgpu: one submit per step (forward, loss, backward, SGD)',
      async step() {
        step();
        await engine().sync();
      },
      output: async () => check.dw,
      extra: async () => ({ loss: check.loss }),
      memory: async () => ecgpuMemory(),
      profile: () => ecgpuProfile(async () => step()),
      dispose() { x.dispose(); labels.dispose(); opt.disposeState(); model.dispose(); },
    };
  };

  const tfMake = (peer: PeerName): Maker => async () => {
    if (train && peer === 'tfjs-webgpu' && !o.webgpuTrain && cfg.width === 1) {
      return { na: 'skipped unless --webgpu-train: one tfjs-webgpu AlexNet step takes many minutes on SwiftShader (its LRN gradient is O(C²) per element; LRN forward+backward on conv1\'s output alone ≈ 150 s at batch 2)' };
    }
    if (train && peer === 'tfjs-webgpu' && !o.webgpuTrain && s.group === 'default') {
      return { na: 'skipped unless --webgpu-train: one tfjs-webgpu step at the default preset (batch 16) took 52 s on SwiftShader (AlexNet, 1×128×128), ≈ 3 min per row with its checks' };
    }
    const net = await weights();
    if (typeof net === 'string') return { na: net };
    const xs = tf.tensor4d(nchwToNhwc(data.x, data.shape), [s.batch, H, W, cfg.inChannels]);
    const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), cfg.numClasses).toFloat());
    if (!train) {
      const consts = net.tensors.map((t) => tf.tensor(t.data, t.shape));
      let logits: TfTensor | undefined;
      return {
        async step() {
          logits?.dispose();
          logits = tf.tidy(() => tfForward(tf, net, consts, xs, false));
          await tfSync(logits);
        },
        output: async () => (await logits!.data()) as Float32Array,
        memory: async () => ({ peakBytes: (await tf.profile(() => tf.tidy(() => tfForward(tf, net, consts, xs, false)))).peakBytes }),
        dispose() { logits?.dispose(); xs.dispose(); onehot.dispose(); consts.forEach((t) => t.dispose()); },
      };
    }
    // Trainable: every conv/linear weight and bias, BN gamma/beta (not BN running statistics).
    const trainable = new Set<number>();
    for (const l of net.layers) {
      if (l.kind === 'conv') { trainable.add(l.w); if (l.b !== undefined) trainable.add(l.b); }
      if (l.kind === 'linear') { trainable.add(l.w); trainable.add(l.b); }
      if (l.kind === 'bn') { trainable.add(l.gamma); trainable.add(l.beta); }
      if (l.kind === 'se') [l.w1, l.b1, l.w2, l.b2].forEach((i) => trainable.add(i));
    }
    const vars: TfTensor[] = net.tensors.map((t, i) => (trainable.has(i) ? tf.variable(tf.tensor(t.data, t.shape), true) : tf.tensor(t.data, t.shape)));
    const varList = vars.filter((_, i) => trainable.has(i)) as Variable[];
    const lossFn = () => tfLoss(tf, tfForward(tf, net, vars, xs, true), onehot);
    // Cross-check pass (no update).
    const c = tf.variableGrads(lossFn, varList);
    const w1 = vars[net.conv1] as Variable;
    const check = {
      dw: hwioToOihw((await c.grads[w1.name].data()) as Float32Array, w1.shape),
      loss: (await c.value.data())[0],
    };
    tf.dispose(c.grads);
    c.value.dispose();
    const ties = await poolNearTies(tf, net, vars, xs);
    const opt = tf.train.momentum(LR, MOMENTUM);
    const last = varList[varList.length - 1];
    const trainStep = () => {
      const { value, grads } = tf.variableGrads(lossFn, varList);
      opt.applyGradients(grads as never);
      tf.dispose(grads);
      return value;
    };
    return {
      note: [
        peer === 'tfjs-wasm' ? 'conv filter gradient supplied by the bench (no Conv2DBackpropFilter in tfjs-wasm); unfused conv2d + bias add' : '',
        ties ? `${ties} max-pool window(s) with a near-tie (top two inputs within 1e-6): the frameworks may route their gradients to different inputs` : '',
      ].filter(Boolean).join('; ') || undefined,
      async step() {
        const value = trainStep();
        const probe = tf.tidy(() => tf.slice(tf.reshape(last, [-1]), [0], [1]));
        await tfSync(value, probe);
        value.dispose();
        probe.dispose();
      },
      output: async () => check.dw,
      extra: async () => ({ loss: check.loss }),
      memory: async () => ({ peakBytes: (await tf.profile(() => trainStep())).peakBytes }),
      dispose() { xs.dispose(); onehot.dispose(); opt.dispose(); vars.forEach((t) => t.dispose()); },
    };
  };

  const label = cfg.architecture === 'alexnet' ? 'AlexNet' : 'AlexNet-M-SE';
  const se = cfg.architecture === 'alexnet-m-se' && cfg.seReduction !== 16 ? `, SE r ${cfg.seReduction}` : '';
  return {
    group: s.group,
    name: `${label} ${train ? 'train step' : 'forward'} ${s.title}`,
    shape: `batch ${s.batch}, ${cfg.inChannels}×${H}×${W}${s.inputNote ? ` (${s.inputNote})` : ''}${cfg.width !== 1 ? `, width ${cfg.width}` : ''}${cfg.fcWidth !== 4096 ? `, fc ${cfg.fcWidth}` : ''}${se}`,
    flops,
    images: s.batch,
    section: 'e2e',
    make: {
      ecgpu,
      'tfjs-webgpu': tfMake('tfjs-webgpu'),
      'tfjs-wasm': tfMake('tfjs-wasm'),
      'tfjs-cpu': tfMake('tfjs-cpu'),
    },
  };
}

async function ecgpuMemory() {
  const m = engine().memory();
  return { liveBytes: m.liveBytes, pooledBytes: m.pooledBytes };
}

/** Per-kernel GPU time of one step from ecgpu's timestamp profiler (empty without timestamp queries). */
async function ecgpuProfile(run: () => Promise<void>) {
  const e = engine();
  if (!e.hasTimestamps) return [];
  e.setProfiling(true);
  e.resetProfile();
  try {
    await run();
    return await e.profile();
  } finally {
    e.setProfiling(false);
  }
}
