/**
 * Waiting for the GPU without stealing its CPU.
 *
 * Dawn in Node polls the JS thread in a busy loop while a promise such as `onSubmittedWorkDone` or
 * `mapAsync` is pending. On a CPU driver (SwiftShader) that loop takes one of the cores the "GPU" runs
 * on. So before awaiting we sleep for most of the time the same batch of work took last time: batches
 * are identified by a hash of their pipelines and grid sizes, which repeats exactly from one training
 * step to the next. Unknown batches are awaited directly and their time learnt.
 */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The clock and the sleep a Waiter uses (replaceable, so that its rule can be tested without timing anything). */
export interface WaiterClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class Waiter {
  private learnt = new Map<number, number>();
  /** Fraction of the expected time to sleep before starting to poll. */
  sleepFraction = 0.9;
  enabled = true;

  constructor(private readonly clock: WaiterClock = { now: () => performance.now(), sleep }) {}

  async wait(signature: number, submittedAt: number, poll: () => Promise<unknown>): Promise<void> {
    const expected = this.learnt.get(signature);
    let slept = false;
    if (this.enabled && expected !== undefined) {
      const remaining = expected * this.sleepFraction - (this.clock.now() - submittedAt);
      if (remaining >= 1) { await this.clock.sleep(remaining); slept = true; }
    }
    const polledAt = this.clock.now();
    await poll();
    const now = this.clock.now();
    const pollMs = now - polledAt;
    this.learnt.set(signature, nextEstimate(expected, now - submittedAt, slept && pollMs < Math.max(ALREADY_DONE_MS, 0.05 * (expected ?? 0))));
  }
}

/** A poll that resolves this fast (or within 5% of the estimate) after a sleep found the work already done. */
const ALREADY_DONE_MS = 2;

/**
 * The learnt duration after one wait. `took` counts from the submit, so after a sleep it is at least the
 * sleep: when the work turned out to be done already, `took` says only that it was no longer, and the
 * estimate shrinks instead (by a fifth). Learning `took` there would keep an overestimate alive for ever
 * (each wait sleeping 90% of it and learning that back) — as the first call of a batch, which includes
 * compiling its pipelines, otherwise left every later validation pass sleeping for seconds.
 */
export function nextEstimate(expected: number | undefined, took: number, overslept: boolean): number {
  if (expected === undefined) return took;
  if (overslept) return 0.8 * expected;
  return 0.7 * expected + 0.3 * took;
}

/** FNV-1a over 32-bit words, for batch signatures. */
export function fnv(hash: number, word: number): number {
  hash ^= word & 0xffff;
  hash = Math.imul(hash, 16777619);
  hash ^= word >>> 16;
  return Math.imul(hash, 16777619) >>> 0;
}
export const FNV_START = 2166136261;
