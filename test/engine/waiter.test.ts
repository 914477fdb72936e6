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
    // A fake clock: a sleep moves it by what was asked, the first poll by the work's 40 ms, later polls by nothing.
    let t = 0;
    const slept: number[] = [];
    const w = new Waiter({ now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } });
    await w.wait(7, t, async () => { t += 40; });
    expect(slept).toEqual([]); // nothing learnt yet: polled at once
    await w.wait(7, t, async () => {}); // done at once: sleeps 90% of the 40 ms, then learns that was too long
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeCloseTo(0.9 * 40, 9);
    await w.wait(7, t, async () => {});
    expect(slept[1]).toBeCloseTo(0.8 * 0.9 * 40, 9); // the estimate shrank by a fifth
    // work that takes its full time after the sleep is waited for, and its duration learnt again
    await w.wait(7, t, async () => { t += 40 - 0.8 * 0.8 * 0.9 * 40; });
    await w.wait(7, t, async () => {});
    expect(slept[3]).toBeCloseTo(0.9 * (0.7 * 0.8 * 0.8 * 40 + 0.3 * 40), 9);
  });
});
