/**
 * The op table (webgpu-torch's idea): each differentiable op is one definition holding its GPU forward,
 * its backward, its float64 reference and the shapes it is tested on. The public functions, autograd
 * and the test suite (reference comparison + finite-difference gradient check) are all driven by it.
 */
import type { Tensor } from '../engine/tensor.js';
import { record } from '../graph/backward.js';
import type { HostTensor } from '../reference/host-tensor.js';

export interface ForwardResult {
  out: Tensor;
  /** Extra tensors the backward needs (e.g. max-pool argmax); freed with the graph's scope. */
  saved?: Tensor[];
}

export interface BackwardArgs<A> {
  inputs: Tensor[];
  out: Tensor;
  saved: Tensor[];
  grad: Tensor;
  attrs: A;
}

export interface OpCase<A> {
  /** Shapes of the inputs. */
  shapes: number[][];
  attrs: A;
  /** Label for test output (e.g. 'edge: batch 1, odd sizes'). */
  label?: string;
  /** Overrides of the input generator: e.g. positive values for log, or integer labels. */
  inputs?: (rand: () => number) => number[][];
}

export interface OpSpec<A = Record<string, never>> {
  name: string;
  forward(inputs: Tensor[], attrs: A): ForwardResult;
  /** Omitted for ops that are not differentiable (e.g. argmax). null entries: no gradient for that input. */
  backward?(args: BackwardArgs<A>): (Tensor | null)[];
  /** Which inputs get a gradient (default: all). Integer inputs such as labels never do. */
  differentiable?: boolean[];
  /** Element types of the inputs in the op-table checks (default: f32 where differentiable, else i32 labels). */
  dtypes?: ('f32' | 'i32')[];
  reference(inputs: HostTensor[], attrs: A): HostTensor;
  cases: OpCase<A>[];
  /** Small cases for the finite-difference check (default: the first case). */
  gradCases?: OpCase<A>[];
  /** Tolerance for forward comparison: |gpu - ref| <= atol + rtol·|ref|. */
  tolerance?: { atol: number; rtol: number };
  /** Tolerance for the gradient check. */
  gradTolerance?: { atol: number; rtol: number };
}

export const opTable: OpSpec<any>[] = [];

export function defineOp<A>(spec: OpSpec<A>): OpSpec<A> {
  if (opTable.some((o) => o.name === spec.name)) throw new Error(`op ${spec.name} defined twice`);
  opTable.push(spec);
  return spec;
}

/** Runs an op's forward and records its backward in the graph. */
export function apply<A>(spec: OpSpec<A>, inputs: Tensor[], attrs: A): Tensor {
  const { out, saved = [] } = spec.forward(inputs, attrs);
  if (!spec.backward) {
    for (const t of saved) t.dispose();
    return out;
  }
  const backward = spec.backward.bind(spec);
  record(out, spec.name, inputs, (grad) => {
    const gs = backward({ inputs, out, saved, grad, attrs });
    return spec.differentiable ? gs.map((g, i) => (spec.differentiable![i] ? g : (g?.dispose(), null))) : gs;
  });
  if (!out.gradFn) for (const t of saved) t.dispose(); // inference: nothing will need them
  return out;
}

/** The element type input `i` of `op` takes in the op-table checks. */
export function inputDtype(op: Pick<OpSpec<unknown>, 'differentiable' | 'dtypes'>, i: number): 'f32' | 'i32' {
  return op.dtypes?.[i] ?? (op.differentiable?.[i] === false ? 'i32' : 'f32');
}
