/**
 * Float64 references for the optimisers (PyTorch's update rules, written out plainly). Each function
 * updates `p` and its state arrays in place for one step.
 */
export interface SgdRefOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** One SGD step. `velocity` is null without momentum; `first` when the buffer is new (it becomes d). */
export function sgdStepRef(p: Float64Array, g: ArrayLike<number>, velocity: Float64Array | null, first: boolean, o: SgdRefOptions): void {
  const mu = o.momentum ?? 0, damp = o.dampening ?? 0, wd = o.weightDecay ?? 0;
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + wd * p[i];
    let step = d;
    if (mu !== 0 && velocity) {
      velocity[i] = first ? d : mu * velocity[i] + (1 - damp) * d;
      step = o.nesterov ? d + mu * velocity[i] : velocity[i];
    }
    p[i] -= o.lr * step;
  }
}

export interface AdamRefOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW. */
  decoupled?: boolean;
}

/** One Adam/AdamW step; `t` is the 1-based step number. */
export function adamStepRef(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, o: AdamRefOptions): void {
  const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8, wd = o.weightDecay ?? 0;
  const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i];
    if (o.decoupled) p[i] *= 1 - o.lr * wd;
    else gi += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= (o.lr / bc1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
  }
}
