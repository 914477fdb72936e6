/** Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), with bias correction. */
import type { Tensor } from '../engine/tensor.js';
import { adamUpdate } from '../kernels/optim.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly kind: string = 'adam';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  protected readonly decoupled: boolean = false;
  protected readonly slotCount = 2;

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    for (const b of [this.beta1, this.beta2]) if (!(b >= 0 && b < 1)) throw new Error(`Adam: invalid beta ${b}`);
  }

  protected hyper() {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected override setHyper(h: Record<string, number | boolean>): void {
    this.beta1 = Number(h.beta1);
    this.beta2 = Number(h.beta2);
    this.eps = Number(h.eps);
    this.weightDecay = Number(h.weightDecay);
  }

  protected update(param: Tensor, grad: Tensor, [m, v]: Tensor[], t: number): void {
    adamUpdate(param, grad, m, v, {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      step: t,
      decoupled: this.decoupled,
    });
  }
}

/** AdamW: p ← p·(1 − lr·wd) before the Adam update (Loshchilov & Hutter). Default weight decay 0.01. */
export class AdamW extends Adam {
  override readonly kind = 'adamw';
  protected override readonly decoupled = true;

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }
}
