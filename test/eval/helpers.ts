import { mulberry32 } from '../../src/train/eval/metrics.js';

/** Standard normal sampler on a seeded PRNG. */
export function gaussian(seed: number): () => number {
  const rnd = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** Synthetic classifier output: class y gets `sep` added to its logit, everything scaled by `scale`. */
export function synthetic(n: number, k: number, seed: number, sep = 1.5, scale = 1): { labels: number[]; logits: Float32Array } {
  const rnd = mulberry32(seed ^ 0x9e3779b9), g = gaussian(seed);
  const labels: number[] = [], logits = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const y = Math.floor(rnd() * k);
    labels.push(y);
    for (let c = 0; c < k; c++) logits[i * k + c] = scale * (g() + (c === y ? sep : 0));
  }
  return { labels, logits };
}

/** AUC as the Mann–Whitney U statistic: P(score+ > score−) + ½ P(tie), by direct pair counting. */
export function mannWhitneyAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number {
  let pairs = 0, wins = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!truth[i]) continue;
    for (let j = 0; j < truth.length; j++) {
      if (truth[j]) continue;
      pairs++;
      if (scores[i] > scores[j]) wins++;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}
