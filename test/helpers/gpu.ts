/** Shared GPU setup for tests: one engine per test file (vitest runs files in separate processes). */
import { init, type Engine } from '../../src/engine/engine.js';

export async function gpu(): Promise<Engine> {
  return init();
}

/** max |a-b| and whether every element is within atol + rtol·|b|. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number) {
  let maxAbs = 0, maxRel = 0, worst = -1, ok = a.length === b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= atol + rtol * Math.abs(b[i]))) {
      if (ok || d > maxAbs) worst = i;
      ok = false;
    }
    if (!(d <= maxAbs)) maxAbs = d;
    const r = d / Math.max(Math.abs(b[i]), 1e-12);
    if (r > maxRel && Math.abs(b[i]) > atol) maxRel = r;
  }
  return { ok, maxAbs, maxRel, worst, detail: worst >= 0 ? `at ${worst}: got ${a[worst]}, want ${b[worst]}` : '' };
}
