import { describe, expect, it } from 'vitest';
import { nextEstimate, Waiter } from '../../src/engine/waiter.js';

describe('Waiter', () => {
  it('lets an overestimate (e.g. a first call that compiled its pipelines) decay instead of learning its own sleep back', () => {
    // First call took 5 s (compilation); the work itself takes 0.5 s. Each later wait sleeps 90% of the
    // estimate and finds the work done.
    let e = nextEstimate(undefined, 5000, false);
    let calls = 0;
    while (e > 600 && calls < 50) { e = nextEstimate(e, 0.9 * e, true); calls++; }
    expect(calls).toBeLessThan(12);
    // Learning `took` after an oversleep (the old rule) would have kept it near 5 s for dozens of calls.
    let old = 5000;
    for (let i = 0; i < 11; i++) old = 0.7 * old + 0.3 * (0.9 * old);
    expect(old).toBeGreaterThan(3500);
  });

  it('tracks a duration that is waited for (not overslept)', () => {
    let e = 100;
    for (let i = 0; i < 30; i++) e = nextEstimate(e, 200, false);
    expect(e).toBeCloseTo(200, 0);
  });

  it('sleeps before polling once it has learnt a duration, and shrinks the estimate when the work was done', async () => {
    const w = new Waiter();
    const t0 = performance.now();
    await w.wait(7, t0, () => new Promise((r) => setTimeout(r, 40)));
    const t1 = performance.now();
    await w.wait(7, t1, () => Promise.resolve()); // done at once: sleeps ~36 ms, then learns that was too long
    expect(performance.now() - t1).toBeGreaterThanOrEqual(30);
    const first = performance.now() - t1;
    const t2 = performance.now();
    await w.wait(7, t2, () => Promise.resolve());
    expect(performance.now() - t2).toBeLessThan(0.92 * first);
  });
});
