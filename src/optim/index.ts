/** Optimisers (in-place GPU updates) and learning-rate schedules. */
export { Optimizer, type OptimizerState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { constant, stepDecay, cosine, warmup, type Schedule } from './schedule.js';
