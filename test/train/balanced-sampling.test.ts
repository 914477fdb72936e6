import { describe, expect, it } from 'vitest';
import { balancedOrder } from '../../src/train/data.js';

describe('class-balanced sampling', () => {
  it('draws every class about equally often, whatever its size, and is seeded', () => {
    // 90 records of class 0, 9 of class 3, 1 of class 6.
    const labels = [...Array(90).fill(0), ...Array(9).fill(3), 6];
    const order = balancedOrder(labels, 30_000, 7);
    expect(order).toHaveLength(30_000);
    const perClass = new Map<number, number>();
    for (const i of order) perClass.set(labels[i], (perClass.get(labels[i]) ?? 0) + 1);
    for (const c of [0, 3, 6]) expect(perClass.get(c)! / order.length).toBeCloseTo(1 / 3, 1);
    // Within a class, records are drawn uniformly: all 9 of class 3 appear.
    expect(new Set(order.filter((i) => labels[i] === 3)).size).toBe(9);
    expect(balancedOrder(labels, 50, 7)).toEqual(order.slice(0, 50));
    expect(balancedOrder(labels, 50, 8)).not.toEqual(order.slice(0, 50));
  });
});
