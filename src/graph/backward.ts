/**
 * Reverse-mode autodiff over the graph that ops record (micrograd's idea on GPU tensors): sort the
 * graph topologically from the loss, then walk it backwards, summing gradients that meet at a tensor.
 */
import { Tensor, shapeStr, type GradFn } from '../engine/tensor.js';
import { gradEnabled, noGrad } from './grad-mode.js';

/** Attaches `gradFn` to `out` when any input needs a gradient and recording is on. Returns `out`. */
export function record(out: Tensor, name: string, inputs: Tensor[], backward: GradFn['backward']): Tensor {
  if (gradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward };
  }
  return out;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  // Iterative DFS: AlexNet's graph is shallow, but user graphs need not be.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push([t, true]);
    for (const i of t.gradFn?.inputs ?? []) if (i.requiresGrad && !seen.has(i.id)) stack.push([i, false]);
  }
  return order;
}

/**
 * Computes gradients of `loss` with respect to every leaf with `requiresGrad`, adding them into
 * `leaf.grad` (kept alive until the optimiser or the user disposes them). `add` sums two gradients;
 * `ones` makes the seed. Both are passed in so the graph does not depend on any particular op set.
 */
export function backward(
  loss: Tensor,
  ops: { add: (a: Tensor, b: Tensor) => Tensor; fill: (shape: readonly number[], v: number) => Tensor },
  seed?: Tensor,
): void {
  if (!loss.requiresGrad) throw new Error(`backward(): ${loss} does not require grad (no parameter reached it)`);
  if (!seed && loss.size !== 1) throw new Error(`backward(): loss must be a scalar, got shape ${shapeStr(loss.shape)}; pass a seed gradient`);
  noGrad(() => {
    const grads = new Map<number, Tensor>();
    grads.set(loss.id, seed ?? ops.fill(loss.shape, 1));
    const order = topoOrder(loss);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t.id);
      if (!g) continue;
      grads.delete(t.id);
      if (!t.gradFn) {
        // A leaf: accumulate into .grad, which outlives the scope.
        if (t.grad) {
          const sum = ops.add(t.grad, g).keep();
          t.grad.dispose();
          g.dispose();
          t.grad = sum;
        } else {
          t.grad = g.keep();
        }
        continue;
      }
      const inputGrads = t.gradFn.backward(g);
      // Gradients handed on must be distinct tensors: a pass-through (add, reshape) returns a view.
      const handedOn = new Set<Tensor>();
      t.gradFn.inputs.forEach((input, k) => {
        let ig = inputGrads[k];
        if (!ig) return;
        if (!input.requiresGrad) {
          if (ig !== g) ig.dispose();
          return;
        }
        if (ig.size !== input.size) {
          throw new Error(`${t.gradFn!.name} backward: gradient ${shapeStr(ig.shape)} does not match input ${shapeStr(input.shape)}`);
        }
        if (ig === g || handedOn.has(ig) || ig.shape.join() !== input.shape.join()) {
          const view = ig.reshape(input.shape);
          if (ig !== g && !handedOn.has(ig)) ig.dispose();
          ig = view;
        }
        handedOn.add(inputGrads[k]!);
        const prev = grads.get(input.id);
        if (prev) {
          grads.set(input.id, ops.add(prev, ig));
          prev.dispose();
          ig.dispose();
        } else {
          grads.set(input.id, ig);
        }
      });
      if (g !== seed) g.dispose();
    }
  });
}
