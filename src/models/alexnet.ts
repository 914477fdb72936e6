/**
 * AlexNet as the reference paper's Table 1, and AlexNet-M-SE (BatchNorm after every convolution in
 * place of LRN, a squeeze-and-excitation block after the convolution stages, dropout in the head).
 * `width` scales the channel counts and `fcWidth` the hidden FC size so that small presets train on a
 * CPU driver; width 1, fcWidth 4096, input 224 is the paper's network.
 */
import type { Tensor } from '../engine/tensor.js';
import { Init, Module } from './module.js';
import {
  AdaptiveAvgPool2d, BatchNorm, Conv2d, Dropout, Flatten, Linear, LRN, MaxPool2d, ReLU, Sequential, SqueezeExcite,
} from './layers.js';

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

export const PAPER_CONFIG: Omit<AlexNetConfig, 'architecture'> = {
  inputSize: 224, inChannels: 3, numClasses: 10, width: 1, fcWidth: 4096, dropout: 0.5, seReduction: 16, seed: 1,
};

export interface LayerSummary {
  name: string;
  outShape: number[];
  params: number;
  /** Multiply-adds ×2, per image, forward. */
  flops: number;
}

const convOut = (size: number, k: number, s: number, p: number) => Math.floor((size + 2 * p - k) / s) + 1;

/** [height, width] of the network's input image. */
export function inputDims(c: Pick<AlexNetConfig, 'inputSize' | 'inputHeight' | 'inputWidth'>): [number, number] {
  return [c.inputHeight ?? c.inputSize, c.inputWidth ?? c.inputSize];
}

export class AlexNet extends Module {
  readonly features: Sequential;
  readonly head: Sequential;
  readonly summary: LayerSummary[] = [];
  /** Index in `features.layers` of the ReLU after the last convolution (Grad-CAM's target layer). */
  readonly lastConvActivation: number;
  private dropouts: Dropout[] = [];

  constructor(readonly config: AlexNetConfig) {
    super();
    const c = config;
    const init = new Init(c.seed);
    const bn = c.architecture === 'alexnet-m-se';
    if (c.channels && (c.channels.length !== 5 || !c.channels.every((n) => Number.isInteger(n) && n > 0))) {
      throw new Error(`AlexNet channels must be 5 positive integers, got ${JSON.stringify(c.channels)}`);
    }
    const ch = c.channels ?? [96, 256, 384, 384, 256].map((n) => Math.max(4, Math.round(n * c.width)));
    const [inH, inW] = inputDims(c);
    const size = `${inH}×${inW}`;
    let shape = [c.inChannels, inH, inW];
    const trunk: Module[] = [];
    const note = (name: string, outShape: number[], params: number, flops: number) => {
      this.summary.push({ name, outShape, params, flops });
      shape = outShape;
    };
    const conv = (i: number, k: number, s: number, p: number) => {
      const [cin, h, w] = shape;
      const cout = ch[i];
      const oh = convOut(h, k, s, p), ow = convOut(w, k, s, p);
      if (oh < 1 || ow < 1) throw new Error(`input ${size} is too small for conv${i + 1}`);
      trunk.push(new Conv2d(cin, cout, k, s, p, init, !bn));
      note(`conv${i + 1} ${cout}@${k}×${k}/${s}`, [cout, oh, ow], cout * cin * k * k + (bn ? 0 : cout), 2 * cout * oh * ow * cin * k * k);
      if (bn) {
        trunk.push(new BatchNorm(cout, init));
        note(`bn${i + 1}`, shape, 2 * cout, 4 * cout * oh * ow);
      }
      trunk.push(new ReLU());
    };
    const pool = (i: number) => {
      const [C, h, w] = shape;
      if (h < 3 || w < 3) throw new Error(`input ${size} is too small for pool after conv${i}`);
      const oh = convOut(h, 3, 2, 0), ow = convOut(w, 3, 2, 0);
      trunk.push(new MaxPool2d(3, 2));
      note(`maxpool${i} 3/2`, [C, oh, ow], 0, C * oh * ow * 9);
    };
    const norm = (i: number) => {
      if (bn) return;
      trunk.push(new LRN());
      note(`lrn${i}`, shape, 0, shape[0] * shape[1] * shape[2] * 12);
    };
    conv(0, 11, 4, 2); norm(1); pool(1);
    conv(1, 5, 1, 2); norm(2); pool(2);
    conv(2, 3, 1, 1);
    conv(3, 3, 1, 1);
    conv(4, 3, 1, 1);
    this.lastConvActivation = trunk.length - 1;
    pool(5);
    if (bn) {
      const se = new SqueezeExcite(shape[0], c.seReduction, init);
      trunk.push(se);
      const hidden = Math.max(1, Math.round(shape[0] / c.seReduction));
      note('squeeze-excite', shape, 2 * shape[0] * hidden + hidden + shape[0], 4 * shape[0] * hidden + 2 * shape[0] * shape[1] * shape[2]);
    }
    // Adaptive pooling to 6×6 as torchvision's AlexNet, or to the trunk's own size when smaller.
    const ph = Math.min(6, shape[1]), pw = Math.min(6, shape[2]);
    trunk.push(new AdaptiveAvgPool2d([ph, pw]));
    note(`adaptive-avg-pool ${ph}×${pw}`, [shape[0], ph, pw], 0, shape[0] * shape[1] * shape[2]);
    this.features = this.child('features', new Sequential(trunk));

    const flat = shape[0] * ph * pw;
    const head: Module[] = [new Flatten()];
    let width = flat;
    for (let i = 0; i < 2; i++) {
      head.push(new Linear(width, c.fcWidth, init), new ReLU());
      const d = new Dropout(c.dropout, c.seed * 31 + i + 1);
      this.dropouts.push(d);
      head.push(d);
      note(`fc${i + 6} ${c.fcWidth}`, [c.fcWidth], width * c.fcWidth + c.fcWidth, 2 * width * c.fcWidth);
      width = c.fcWidth;
    }
    head.push(new Linear(width, c.numClasses, init));
    note(`fc8 ${c.numClasses}`, [c.numClasses], width * c.numClasses + c.numClasses, 2 * width * c.numClasses);
    this.head = this.child('head', new Sequential(head));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }

  /** Sets the training step, from which dropout masks are derived (reproducible on resume). */
  setStep(step: number): void {
    for (const d of this.dropouts) d.step = step;
  }

  get paramCount(): number {
    return this.summary.reduce((s, l) => s + l.params, 0);
  }

  get flopsPerImage(): number {
    return this.summary.reduce((s, l) => s + l.flops, 0);
  }

  describe(): string {
    const rows = this.summary.map((l) => `  ${l.name.padEnd(24)} ${('[' + l.outShape.join('×') + ']').padEnd(16)} ${String(l.params).padStart(11)} ${(l.flops / 1e6).toFixed(1).padStart(10)}`);
    return [
      `${this.config.architecture} (input ${this.config.inChannels}×${inputDims(this.config).join('×')}, width ${this.config.width}, fc ${this.config.fcWidth})`,
      `  ${'layer'.padEnd(24)} ${'output'.padEnd(16)} ${'params'.padStart(11)} ${'MFLOP'.padStart(10)}`,
      ...rows,
      `  total: ${this.paramCount.toLocaleString('en')} parameters, ${(this.flopsPerImage / 1e9).toFixed(3)} GFLOP per image (forward)`,
    ].join('\n');
  }
}

export function createModel(config: AlexNetConfig): AlexNet {
  return new AlexNet(config);
}
