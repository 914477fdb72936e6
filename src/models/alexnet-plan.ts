/**
 * The layer plan of AlexNet and AlexNet-M-SE as plain data: which layers, in which order, with which
 * shapes, parameter counts and FLOPs. Both the WebGPU network (alexnet.ts builds Modules from it) and the
 * CPU forward pass (cpu-forward.ts) are made from this one plan, so they cannot disagree on the
 * architecture. Pure: no tensors, no GPU.
 */

export type Architecture = 'alexnet' | 'alexnet-m-se';

export interface AlexNetConfig {
  architecture: Architecture;
  /** Input height and width when square (the paper's 224). */
  inputSize: number;
  /** Non-square inputs (e.g. a wide strip of leads): height and width override `inputSize`. */
  inputHeight?: number;
  inputWidth?: number;
  inChannels: number;
  numClasses: number;
  /** Channel multiplier of the five convolutions (96, 256, 384, 384, 256 at 1). */
  width: number;
  /** The five convolutions' channel counts, when given (overrides `width`). */
  channels?: number[];
  /** Hidden size of the two FC layers (4096 in the paper). */
  fcWidth: number;
  dropout: number;
  /** SE bottleneck reduction ratio (AlexNet-M-SE only). */
  seReduction: number;
  seed: number;
}

export interface LayerSummary {
  name: string;
  outShape: number[];
  params: number;
  /** Multiply-adds ×2, per image, forward. */
  flops: number;
}

/** One layer. Parameterised kinds carry what both implementations need to agree on. */
export type LayerSpec =
  | { kind: 'conv'; cin: number; cout: number; kernel: number; stride: number; pad: number; bias: boolean }
  | { kind: 'batchnorm'; channels: number; eps: number }
  | { kind: 'relu' }
  | { kind: 'maxpool'; kernel: number; stride: number }
  | { kind: 'lrn'; size: number; alpha: number; beta: number; k: number }
  | { kind: 'se'; channels: number; hidden: number }
  | { kind: 'adaptive-avg-pool'; out: [number, number] }
  | { kind: 'flatten' }
  | { kind: 'linear'; inFeatures: number; outFeatures: number }
  | { kind: 'dropout'; p: number; seed: number };

export interface AlexNetPlan {
  /** The convolutional trunk (`features.<i>` in the model file). */
  features: LayerSpec[];
  /** The classifier head (`head.<i>`). */
  head: LayerSpec[];
  summary: LayerSummary[];
  /** Index in `features` of the ReLU after the last convolution (Grad-CAM's target layer). */
  lastConvActivation: number;
}

/** AlexNet's LRN constants (PyTorch's convention: alpha is divided by size). */
export const ALEXNET_LRN = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 } as const;
export const BATCHNORM_EPS = 1e-5;

const convOut = (size: number, k: number, s: number, p: number) => Math.floor((size + 2 * p - k) / s) + 1;

/** [height, width] of the network's input image. */
export function inputDims(c: Pick<AlexNetConfig, 'inputSize' | 'inputHeight' | 'inputWidth'>): [number, number] {
  return [c.inputHeight ?? c.inputSize, c.inputWidth ?? c.inputSize];
}

export function alexNetPlan(c: AlexNetConfig): AlexNetPlan {
  const bn = c.architecture === 'alexnet-m-se';
  if (c.channels && (c.channels.length !== 5 || !c.channels.every((n) => Number.isInteger(n) && n > 0))) {
    throw new Error(`AlexNet channels must be 5 positive integers, got ${JSON.stringify(c.channels)}`);
  }
  const ch = c.channels ?? [96, 256, 384, 384, 256].map((n) => Math.max(4, Math.round(n * c.width)));
  const [inH, inW] = inputDims(c);
  const size = `${inH}×${inW}`;
  let shape = [c.inChannels, inH, inW];
  const features: LayerSpec[] = [];
  const summary: LayerSummary[] = [];
  const note = (name: string, outShape: number[], params: number, flops: number) => {
    summary.push({ name, outShape, params, flops });
    shape = outShape;
  };
  const conv = (i: number, k: number, s: number, p: number) => {
    const [cin, h, w] = shape;
    const cout = ch[i];
    const oh = convOut(h, k, s, p), ow = convOut(w, k, s, p);
    if (oh < 1 || ow < 1) throw new Error(`input ${size} is too small for conv${i + 1}`);
    features.push({ kind: 'conv', cin, cout, kernel: k, stride: s, pad: p, bias: !bn });
    note(`conv${i + 1} ${cout}@${k}×${k}/${s}`, [cout, oh, ow], cout * cin * k * k + (bn ? 0 : cout), 2 * cout * oh * ow * cin * k * k);
    if (bn) {
      features.push({ kind: 'batchnorm', channels: cout, eps: BATCHNORM_EPS });
      note(`bn${i + 1}`, shape, 2 * cout, 4 * cout * oh * ow);
    }
    features.push({ kind: 'relu' });
  };
  const pool = (i: number) => {
    const [C, h, w] = shape;
    if (h < 3 || w < 3) throw new Error(`input ${size} is too small for pool after conv${i}`);
    const oh = convOut(h, 3, 2, 0), ow = convOut(w, 3, 2, 0);
    features.push({ kind: 'maxpool', kernel: 3, stride: 2 });
    note(`maxpool${i} 3/2`, [C, oh, ow], 0, C * oh * ow * 9);
  };
  const norm = (i: number) => {
    if (bn) return;
    features.push({ kind: 'lrn', ...ALEXNET_LRN });
    note(`lrn${i}`, shape, 0, shape[0] * shape[1] * shape[2] * 12);
  };
  conv(0, 11, 4, 2); norm(1); pool(1);
  conv(1, 5, 1, 2); norm(2); pool(2);
  conv(2, 3, 1, 1);
  conv(3, 3, 1, 1);
  conv(4, 3, 1, 1);
  const lastConvActivation = features.length - 1;
  pool(5);
  if (bn) {
    const hidden = Math.max(1, Math.round(shape[0] / c.seReduction));
    features.push({ kind: 'se', channels: shape[0], hidden });
    note('squeeze-excite', shape, 2 * shape[0] * hidden + hidden + shape[0], 4 * shape[0] * hidden + 2 * shape[0] * shape[1] * shape[2]);
  }
  // Adaptive pooling to 6×6 as torchvision's AlexNet, or to the trunk's own size when smaller.
  const ph = Math.min(6, shape[1]), pw = Math.min(6, shape[2]);
  features.push({ kind: 'adaptive-avg-pool', out: [ph, pw] });
  note(`adaptive-avg-pool ${ph}×${pw}`, [shape[0], ph, pw], 0, shape[0] * shape[1] * shape[2]);

  const head: LayerSpec[] = [{ kind: 'flatten' }];
  let width = shape[0] * ph * pw;
  for (let i = 0; i < 2; i++) {
    head.push({ kind: 'linear', inFeatures: width, outFeatures: c.fcWidth }, { kind: 'relu' }, { kind: 'dropout', p: c.dropout, seed: c.seed * 31 + i + 1 });
    note(`fc${i + 6} ${c.fcWidth}`, [c.fcWidth], width * c.fcWidth + c.fcWidth, 2 * width * c.fcWidth);
    width = c.fcWidth;
  }
  head.push({ kind: 'linear', inFeatures: width, outFeatures: c.numClasses });
  note(`fc8 ${c.numClasses}`, [c.numClasses], width * c.numClasses + c.numClasses, 2 * width * c.numClasses);
  return { features, head, summary, lastConvActivation };
}
