/**
 * Optimisers update parameters in place on the GPU. `step()` records one kernel per parameter into the
 * current command encoder (no flush, no readback), so a training step stays one submit. Per-parameter
 * state (momentum, Adam moments) lives in kept GPU tensors, created zeroed on first use.
 */
import { engine } from '../engine/engine.js';
import { Tensor, shapeStr } from '../engine/tensor.js';
import { fill } from '../kernels/elementwise.js';

/** A checkpoint of an optimiser: hyper-parameters, step count and every state tensor's values. */
export interface OptimizerState {
  kind: string;
  step: number;
  lr: number;
  hyper: Record<string, number | boolean>;
  /** Per parameter (in constructor order): its state arrays, or null when it has none yet. */
  slots: (Float32Array[] | null)[];
  /** Per parameter: how many updates it has had (Adam's bias correction counts per parameter). */
  paramSteps: number[];
}

export abstract class Optimizer {
  /** Learning rate used by the next `step()`; set it freely (schedules): it is a uniform, not a constant. */
  lr: number;
  /** Number of `step()` calls so far. */
  stepCount = 0;
  readonly params: Tensor[];
  /** Per parameter: its state tensors (kept), created on the first step that updates it. */
  protected slots: (Tensor[] | null)[];
  /** Per parameter: updates so far (a parameter without a gradient at some step is not updated). */
  protected paramSteps: number[];
  /** How many state tensors each parameter needs (0 for plain SGD). */
  protected abstract readonly slotCount: number;
  abstract readonly kind: string;

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (!this.params.length) throw new Error('optimizer: no parameters given');
    if (!(lr >= 0)) throw new Error(`optimizer: invalid learning rate ${lr}`);
    const seen = new Set<Tensor>();
    for (const p of this.params) {
      if (seen.has(p)) throw new Error(`optimizer: parameter ${p} given twice`);
      seen.add(p);
      if (p.dtype !== 'f32') throw new Error(`optimizer: parameter ${p} is not f32`);
      p.requiresGrad = true;
      p.kept = true;
    }
    this.lr = lr;
    this.slots = this.params.map(() => null);
    this.paramSteps = this.params.map(() => 0);
  }

  /** Hyper-parameters other than lr, for checkpoints. */
  protected abstract hyper(): Record<string, number | boolean>;

  /** Records the update of one parameter. `state` has `slotCount` tensors; `t` is 1 on its first update. */
  protected abstract update(param: Tensor, grad: Tensor, state: Tensor[], t: number): void;

  /** Records the update of every parameter that has a gradient. No flush, no readback. */
  step(): void {
    this.stepCount++;
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      if (p.disposed) throw new Error(`optimizer: parameter ${i} was disposed`);
      const state = (this.slots[i] ??= this.makeSlots(p));
      this.update(p, p.grad, state, ++this.paramSteps[i]);
    });
  }

  /** Disposes every parameter's `.grad` (the next backward starts from zero). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  }

  /** Reads every state tensor back to the host (flushes). */
  async state(): Promise<OptimizerState> {
    const flat = await Tensor.readAll(this.slots.flatMap((s) => s ?? []));
    let k = 0;
    const slots = this.slots.map((s) => (s ? s.map(() => flat[k++]) : null));
    return { kind: this.kind, step: this.stepCount, lr: this.lr, hyper: this.hyper(), slots, paramSteps: [...this.paramSteps] };
  }

  /** Restores a checkpoint made by `state()` of the same kind of optimiser over the same parameter shapes. */
  loadState(s: OptimizerState): void {
    if (s.kind !== this.kind) throw new Error(`loadState: checkpoint is for ${s.kind}, this is ${this.kind}`);
    if (s.slots.length !== this.params.length) throw new Error(`loadState: checkpoint has ${s.slots.length} parameters, this optimizer ${this.params.length}`);
    s.slots.forEach((arrays, i) => {
      const p = this.params[i];
      if (!arrays) return;
      if (arrays.length !== this.slotCount) throw new Error(`loadState: parameter ${i} has ${arrays.length} state arrays, want ${this.slotCount}`);
      for (const a of arrays) {
        if (a.length !== p.size) throw new Error(`loadState: parameter ${i} ${shapeStr(p.shape)} has ${p.size} values, its state ${a.length}`);
      }
    });
    this.disposeState();
    this.slots = s.slots.map((arrays, i) => (arrays ? arrays.map((a) => Tensor.from(a, this.params[i].shape).keep()) : null));
    this.paramSteps = s.slots.map((a, i) => s.paramSteps?.[i] ?? (a ? s.step : 0));
    this.stepCount = s.step;
    this.lr = s.lr;
    this.setHyper(s.hyper);
  }

  protected setHyper(_h: Record<string, number | boolean>): void {}

  /** Frees the state tensors (parameters and gradients are left alone). */
  disposeState(): void {
    for (const s of this.slots) for (const t of s ?? []) t.dispose();
    this.slots = this.params.map(() => null);
    this.paramSteps = this.params.map(() => 0);
  }

  /** Bytes of GPU memory held by optimiser state. */
  stateBytes(): number {
    let n = 0;
    for (const s of this.slots) for (const t of s ?? []) n += t.size * 4;
    return n;
  }

  private makeSlots(p: Tensor): Tensor[] {
    engine(); // throws a clear error before init()
    return Array.from({ length: this.slotCount }, () => fill(p.shape, 0).keep());
  }
}
