/** The layers AlexNet and AlexNet-M-SE are made of, as Modules over the op table's ops. */
import { Tensor } from '../engine/tensor.js';
import {
  adaptiveAvgPool2d, batchNorm, channelScale, conv2d, dropout, flatten, globalAvgPool, linear, lrn, maxPool2d,
  relu, sigmoid,
} from '../autograd/index.js';
import { Init, Module } from './module.js';

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias?: Tensor;
  constructor(readonly cin: number, readonly cout: number, readonly kernel: number, readonly stride: number, readonly pad: number, init: Init, bias = true) {
    super();
    const fanIn = cin * kernel * kernel;
    this.weight = this.param('weight', init.kaiming([cout, cin, kernel, kernel], fanIn));
    if (bias) this.bias = this.param('bias', init.uniform([cout], 1 / Math.sqrt(fanIn)));
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, pad: this.pad });
  }
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(readonly inFeatures: number, readonly outFeatures: number, init: Init) {
    super();
    this.weight = this.param('weight', init.torchDefault([outFeatures, inFeatures], inFeatures));
    this.bias = this.param('bias', init.uniform([outFeatures], 1 / Math.sqrt(inFeatures)));
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class MaxPool2d extends Module {
  constructor(readonly kernel: number, readonly stride: number, readonly pad = 0) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernel: this.kernel, stride: this.stride, pad: this.pad });
  }
}

/** Local response normalisation across channels, AlexNet's constants by default. */
export class LRN extends Module {
  constructor(readonly size = 5, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 2) {
    super();
  }
  forward(x: Tensor): Tensor {
    return lrn(x, { size: this.size, alpha: this.alpha, beta: this.beta, k: this.k });
  }
}

export class BatchNorm extends Module {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  constructor(readonly channels: number, init: Init, readonly momentum = 0.1, readonly eps = 1e-5) {
    super();
    this.gamma = this.param('weight', init.constant([channels], 1));
    this.beta = this.param('bias', init.constant([channels], 0));
    this.runningMean = this.buffer('running_mean', init.constant([channels], 0));
    this.runningVar = this.buffer('running_var', init.constant([channels], 1));
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.gamma, this.beta, { runningMean: this.runningMean, runningVar: this.runningVar }, {
      training: this.training, momentum: this.momentum, eps: this.eps,
    });
  }
}

/**
 * Dropout whose mask comes from a counter-based RNG: the seed is derived from the model's seed, the
 * layer's index and the training step, so a resumed run draws exactly the masks the first run would.
 */
export class Dropout extends Module {
  step = 0;
  constructor(readonly p: number, readonly seed: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, { p: this.p, seed: (Math.imul(this.seed, 0x9e3779b1) + this.step * 7919) >>> 0, training: true });
  }
}

export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return flatten(x);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly out: [number, number]) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (x.shape[2] === this.out[0] && x.shape[3] === this.out[1]) return x;
    return adaptiveAvgPool2d(x, this.out);
  }
}

/** Squeeze-and-excitation (Hu et al. 2018): channel weights from a global average through two FCs. */
export class SqueezeExcite extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(readonly channels: number, readonly reduction: number, init: Init) {
    super();
    const hidden = Math.max(1, Math.round(channels / reduction));
    this.fc1 = this.child('fc1', new Linear(channels, hidden, init));
    this.fc2 = this.child('fc2', new Linear(hidden, channels, init));
  }
  forward(x: Tensor): Tensor {
    const s = sigmoid(this.fc2.forward(relu(this.fc1.forward(globalAvgPool(x)))));
    return channelScale(x, s);
  }
}

export class Sequential extends Module {
  readonly layers: Module[];
  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }
  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.forward(x);
    return x;
  }
}
