/** Shared GPU setup for tests: one engine per test file (vitest runs files in separate processes). */
import { init, type Engine } from '../../src/engine/engine.js';

export async function gpu(): Promise<Engine> {
  return init();
}

/** max |a-b| and whether every element is within atol + rtol·|b| (the op-table checks' comparison). */
export { compare } from '../../src/testing/op-check.js';
