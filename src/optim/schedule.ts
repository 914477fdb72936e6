/**
 * Learning-rate schedules: pure functions of the step (or epoch) number, starting at 0. Set
 * `optimizer.lr = schedule(step)` before each `step()`; the rate is a uniform, so this costs nothing.
 */
export type Schedule = (step: number) => number;

/** A constant rate. */
export const constant = (lr: number): Schedule => () => lr;

/** Step decay: lr · gamma^floor(step / stepSize) (PyTorch StepLR). */
export function stepDecay(lr: number, stepSize: number, gamma = 0.1): Schedule {
  if (!(stepSize > 0)) throw new Error(`stepDecay: stepSize must be > 0, got ${stepSize}`);
  return (step) => lr * gamma ** Math.floor(Math.max(0, step) / stepSize);
}

/** Cosine annealing from lr to minLr over `total` steps, then minLr (PyTorch CosineAnnealingLR without restarts). */
export function cosine(lr: number, total: number, minLr = 0): Schedule {
  if (!(total > 0)) throw new Error(`cosine: total must be > 0, got ${total}`);
  return (step) => {
    const t = Math.min(Math.max(step, 0), total) / total;
    return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Linear warm-up over `steps` steps (from `startFactor`·target up to the target), then `after`
 * shifted so that it starts at step 0 when the warm-up ends.
 */
export function warmup(steps: number, after: Schedule, startFactor = 0): Schedule {
  if (!(steps >= 0)) throw new Error(`warmup: steps must be >= 0, got ${steps}`);
  return (step) => {
    if (step >= steps) return after(step - steps);
    const target = after(0);
    const f = startFactor + (1 - startFactor) * (Math.max(step, 0) / steps);
    return target * f;
  };
}
