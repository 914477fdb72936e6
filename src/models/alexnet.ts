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
import { alexNetPlan, inputDims, type AlexNetConfig, type LayerSpec, type LayerSummary } from './alexnet-plan.js';

export { inputDims, type AlexNetConfig, type Architecture, type LayerSummary } from './alexnet-plan.js';

export const PAPER_CONFIG: Omit<AlexNetConfig, 'architecture'> = {
  inputSize: 224, inChannels: 3, numClasses: 10, width: 1, fcWidth: 4096, dropout: 0.5, seReduction: 16, seed: 1,
};

export class AlexNet extends Module {
  readonly features: Sequential;
  readonly head: Sequential;
  readonly summary: LayerSummary[];
  /** Index in `features.layers` of the ReLU after the last convolution (Grad-CAM's target layer). */
  readonly lastConvActivation: number;
  private dropouts: Dropout[] = [];

  constructor(readonly config: AlexNetConfig) {
    super();
    const plan = alexNetPlan(config);
    this.summary = plan.summary;
    this.lastConvActivation = plan.lastConvActivation;
    // Built in plan order: the seeded initialiser hands out weights in that order.
    const init = new Init(config.seed);
    this.features = this.child('features', new Sequential(plan.features.map((l) => this.layer(l, init))));
    this.head = this.child('head', new Sequential(plan.head.map((l) => this.layer(l, init))));
  }

  private layer(l: LayerSpec, init: Init): Module {
    switch (l.kind) {
      case 'conv': return new Conv2d(l.cin, l.cout, l.kernel, l.stride, l.pad, init, l.bias);
      case 'batchnorm': return new BatchNorm(l.channels, init, 0.1, l.eps);
      case 'relu': return new ReLU();
      case 'maxpool': return new MaxPool2d(l.kernel, l.stride);
      case 'lrn': return new LRN(l.size, l.alpha, l.beta, l.k);
      case 'se': return new SqueezeExcite(l.channels, this.config.seReduction, init);
      case 'adaptive-avg-pool': return new AdaptiveAvgPool2d(l.out);
      case 'flatten': return new Flatten();
      case 'linear': return new Linear(l.inFeatures, l.outFeatures, init);
      case 'dropout': {
        const d = new Dropout(l.p, l.seed);
        this.dropouts.push(d);
        return d;
      }
    }
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
