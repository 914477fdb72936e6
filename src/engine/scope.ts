/**
 * Scopes free every tensor made inside them except the ones returned or kept, like tfjs `tidy`.
 * Tensors made outside any scope live until disposed explicitly.
 */

/**
 * What a scope tracks: anything with a shape that can be disposed (tensors). Defined here rather than
 * imported from tensor.ts, so that tensor.ts stands on scope.ts and not the other way round.
 */
export interface Scoped {
  readonly shape: readonly number[];
  readonly kept: boolean;
  dispose(): void;
}

const stack: Set<Scoped>[] = [];

export function track(t: Scoped): void {
  stack[stack.length - 1]?.add(t);
}

type Tensors = Scoped | Scoped[] | Record<string, unknown> | void | undefined | number | null;

function collect(value: unknown, into: Set<Scoped>, depth = 0): void {
  if (!value || depth > 4 || typeof value !== 'object') return;
  if ((value as Scoped).shape && typeof (value as Scoped).dispose === 'function') {
    into.add(value as Scoped);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, into, depth + 1);
}

/** Runs `fn` and disposes every tensor it created except those in its result or marked `keep()`. */
export function tidy<T extends Tensors>(fn: () => T): T {
  const scope = new Set<Scoped>();
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
  const survivors = new Set<Scoped>();
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
  const s = new Set<Scoped>();
  collect(value, s);
  for (const t of s) t.dispose();
}
