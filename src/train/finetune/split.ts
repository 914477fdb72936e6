/**
 * The seeded, stratified train/validation split of the fine-tuning page: records grouped by their primary
 * class (labels.ts primaryClass: the rarest finding first), each group shuffled with the seed and a
 * `valFraction` of it (rounded, at least one record of a group of two or more) sent to validation, so
 * that every class with a few records has positives on both sides.
 */
import { primaryClass } from '../../ecg/labels.js';
import { shuffled } from '../data.js';

export function stratifiedSplit<T extends { classes: readonly number[] }>(items: readonly T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  const groups = new Map<number, number[]>();
  items.forEach((it, i) => {
    const c = primaryClass(it.classes) ?? -1;
    groups.set(c, [...(groups.get(c) ?? []), i]);
  });
  const train: number[] = [], val: number[] = [];
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(c)!;
    const order = shuffled(g.length, seed * 7919 + c + 1).map((j) => g[j]);
    const nVal = g.length < 2 ? 0 : Math.min(g.length - 1, Math.max(1, Math.round(valFraction * g.length)));
    val.push(...order.slice(0, nVal));
    train.push(...order.slice(nVal));
  }
  // Back in the folder's order within each part: the split depends on the seed and labels only.
  const byIndex = (xs: number[]) => xs.sort((a, b) => a - b).map((i) => items[i]);
  return { train: byIndex(train), val: byIndex(val) };
}
