/**
 * ecgpu side of the bench: runners over the project's own ops (src/autograd), timed with a full GPU sync
 * (`engine().sync()`: submit, then wait until the queue is idle) after each iteration.
 *
 * Ops that other engineers are still finishing (matmul, conv2d, linear) are looked up at run time, so
 * the harness runs (and says "not available") before they land.
 */
import { engine, init, type Engine } from '../../src/engine/engine.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import * as ag from '../../src/autograd/index.js';
import type { Runner } from '../cases/common.js';

export { Tensor, tidy, engine };
export const autograd = ag as typeof ag & Record<string, unknown>;

export async function initEcgpu(): Promise<Engine> {
  return init();
}

/** An exported op of src/autograd by name, or undefined while it does not exist yet. */
export function op<F extends (...args: any[]) => any>(name: string): F | undefined {
  const f = (autograd as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f as F) : undefined;
}

/** The op-table entry of an op (to call its forward/backward directly). */
export function opSpec(name: string) {
  return ag.opTable.find((o) => o.name === name);
}

export const upload = (data: Float32Array, shape: number[], requiresGrad = false) => {
  const t = Tensor.from(data, shape);
  t.requiresGrad = requiresGrad;
  return t;
};

/** Forward only (no graph recorded). `fn` runs inside tidy; its result lives until the next step. */
export function forwardRunner(fn: () => Tensor, owned: Tensor[]): Runner {
  let out: Tensor | undefined;
  return {
    async step() {
      out?.dispose();
      out = tidy(() => ag.noGrad(() => fn()));
      await engine().sync();
    },
    output: () => out!.read(),
    dispose() {
      out?.dispose();
      for (const t of owned) t.dispose();
    },
  };
}

/**
 * Forward and backward through autograd with a given output gradient `dy`; the result compared is the
 * gradient of `wrt` (the op's input). Gradients of every tensor in `clear` are dropped between steps.
 */
export function forwardBackwardRunner(fn: () => Tensor, dy: Tensor, wrt: Tensor, clear: Tensor[], owned: Tensor[]): Runner {
  const drop = () => {
    for (const t of clear) {
      t.grad?.dispose();
      t.grad = undefined;
    }
  };
  return {
    async step() {
      drop();
      tidy(() => {
        ag.backward(fn(), dy);
      });
      await engine().sync();
    },
    output: () => wrt.grad!.read(),
    dispose() {
      drop();
      for (const t of owned) t.dispose();
    },
  };
}
