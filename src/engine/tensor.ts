/**
 * Tensors: a shape over a GPU buffer from the pool. Freed deterministically with `dispose()` or by the
 * enclosing `tidy()` scope (as in tfjs), never only by GC. Reshapes share storage with a reference count.
 */
import { engine } from './engine.js';
import { track } from './scope.js';

export type DType = 'f32' | 'i32' | 'u32';
export type Shape = readonly number[];

/** How a tensor was computed, for reverse-mode autograd (src/graph). */
export interface GradFn {
  name: string;
  inputs: Tensor[];
  /** Given d(loss)/d(output), returns d(loss)/d(input) for each input (null where not needed). */
  backward(grad: Tensor): (Tensor | null)[];
}

class Storage {
  refs = 1;
  constructor(readonly buffer: GPUBuffer, readonly bytes: number) {}
}

export const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
export const shapeStr = (shape: Shape) => `[${shape.join(',')}]`;

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  requiresGrad = false;
  grad?: Tensor;
  gradFn?: GradFn;
  /** Kept tensors survive the end of the scope they were made in. */
  kept = false;
  private storage?: Storage;

  private constructor(readonly shape: Shape, readonly dtype: DType, storage: Storage) {
    this.size = sizeOf(shape);
    this.storage = storage;
    track(this);
  }

  /** An uninitialised tensor (contents undefined until a kernel writes it). */
  static empty(shape: Shape, dtype: DType = 'f32'): Tensor {
    checkShape(shape);
    const bytes = Math.max(4, sizeOf(shape) * 4);
    return new Tensor([...shape], dtype, new Storage(engine().pool.acquire(bytes), bytes));
  }

  /** Uploads host data. */
  static from(data: ArrayLike<number> | Float32Array | Int32Array | Uint32Array, shape: Shape, dtype: DType = 'f32'): Tensor {
    checkShape(shape);
    const n = sizeOf(shape);
    if (data.length !== n) throw new Error(`Tensor.from: ${data.length} values do not fill shape ${shapeStr(shape)} (${n})`);
    const typed = dtype === 'f32' ? Float32Array.from(data) : dtype === 'i32' ? Int32Array.from(data) : Uint32Array.from(data);
    const bytes = Math.max(4, n * 4);
    const e = engine();
    const buffer = e.pool.acquire(bytes, true);
    if (n) e.write(buffer, typed);
    return new Tensor([...shape], dtype, new Storage(buffer, bytes));
  }

  get buffer(): GPUBuffer {
    if (!this.storage) throw new Error(`tensor #${this.id} ${shapeStr(this.shape)} was used after dispose()`);
    return this.storage.buffer;
  }

  get disposed(): boolean {
    return !this.storage;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A view with another shape over the same data (no copy). */
  reshape(shape: Shape): Tensor {
    const resolved = resolveShape(shape, this.size, this.shape);
    const s = this.storage!;
    if (!s) throw new Error(`reshape of disposed tensor #${this.id}`);
    s.refs++;
    return new Tensor(resolved, this.dtype, s);
  }

  async read(): Promise<Float32Array> {
    const buf = await engine().read(this.buffer, this.size * 4);
    if (this.dtype !== 'f32') throw new Error('read(): use readInt() for integer tensors');
    return new Float32Array(buf);
  }

  /** Reads several f32 tensors back with one submit and one wait. */
  static async readAll(tensors: readonly Tensor[]): Promise<Float32Array[]> {
    for (const t of tensors) if (t.dtype !== 'f32') throw new Error('Tensor.readAll(): f32 tensors only');
    const bufs = await engine().readMany(tensors.map((t) => ({ buffer: t.buffer, bytes: t.size * 4 })));
    return bufs.map((b) => new Float32Array(b));
  }

  async readInt(): Promise<Int32Array | Uint32Array> {
    const buf = await engine().read(this.buffer, this.size * 4);
    return this.dtype === 'u32' ? new Uint32Array(buf) : new Int32Array(buf);
  }

  /** Keeps this tensor alive past the end of its scope. */
  keep(): this {
    this.kept = true;
    return this;
  }

  dispose(): void {
    const s = this.storage;
    if (!s) return;
    this.storage = undefined;
    this.gradFn = undefined;
    if (--s.refs === 0) engine().pool.release(s.buffer);
  }

  toString(): string {
    return `Tensor#${this.id}(${shapeStr(this.shape)}, ${this.dtype})`;
  }
}

function checkShape(shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape ${shapeStr(shape)}: dimensions must be non-negative integers`);
  }
}

function resolveShape(shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown >= 0) {
    const known = out.reduce((a, b, i) => (i === unknown ? a : a * b), 1);
    out[unknown] = known ? size / known : 0;
  }
  checkShape(out);
  if (sizeOf(out) !== size) throw new Error(`reshape: cannot view ${shapeStr(from)} (${size} values) as ${shapeStr(shape)}`);
  return out;
}
