/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch semantics). */
import type { Tensor } from '../engine/tensor.js';
import { sgdUpdate } from '../kernels/optim.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly kind = 'sgd';
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  protected readonly slotCount: number;

  constructor(params: Iterable<Tensor>, opts: SGDOptions) {
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    this.slotCount = this.momentum !== 0 ? 1 : 0;
  }

  protected hyper() {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected override setHyper(h: Record<string, number | boolean>): void {
    if (Number(h.momentum) !== this.momentum) throw new Error(`loadState: checkpoint momentum ${h.momentum} differs from ${this.momentum}`);
    this.dampening = Number(h.dampening);
    this.weightDecay = Number(h.weightDecay);
    this.nesterov = Boolean(h.nesterov);
  }

  protected update(param: Tensor, grad: Tensor, state: Tensor[], t: number): void {
    sgdUpdate(param, grad, state[0] ?? null, {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      weightDecay: this.weightDecay,
      nesterov: this.nesterov,
      first: t === 1,
    });
  }
}
