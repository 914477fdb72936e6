/**
 * Scopes free every tensor made inside them except the ones returned or kept, like tfjs `tidy`.
 * Tensors made outside any scope live until disposed explicitly.
 */
import type { Tensor } from './tensor.js';

const stack: Set<Tensor>[] = [];

export function track(t: Tensor): void {
  stack[stack.length - 1]?.add(t);
}

type Tensors = Tensor | Tensor[] | Record<string, unknown> | void | undefined | number | null;

function collect(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (!value || depth > 4 || typeof value !== 'object') return;
  if ((value as Tensor).shape && typeof (value as Tensor).dispose === 'function') {
    into.add(value as Tensor);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, into, depth + 1);
}

/** Runs `fn` and disposes every tensor it created except those in its result or marked `keep()`. */
export function tidy<T extends Tensors>(fn: () => T): T {
  const scope = new Set<Tensor>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      throw new Error('tidy() does not take async functions: awaiting inside would free tensors still in use');
    }
  } finally {
    stack.pop();
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (survivors.has(t) || t.kept) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Disposes every tensor found in `value` (a tensor, array or object of them). */
export function dispose(value: unknown): void {
  const s = new Set<Tensor>();
  collect(value, s);
  for (const t of s) t.dispose();
}
