/**
 * The engine: one device, a buffer pool, a pipeline cache, and a command recorder.
 *
 * Kernels are recorded into one command encoder (in one compute pass) until something needs results
 * on the CPU: a training step is one submit with no readback inside it. `sync()` and reads flush.
 */
import { acquireDevice, type AdapterDescription, type DeviceOptions } from './device.js';
import { BufferPool, type PoolStats } from './buffer-pool.js';
import { PipelineCache, type KernelRef } from './pipelines.js';
import { UniformArena } from './uniforms.js';
import type { Bindable, UniformValues } from './contract.js';
import { Profiler, type KernelTiming } from './profiler.js';
import { Waiter, fnv, FNV_START } from './waiter.js';

/** One dispatch, by the names the entry point's WGSL declares (checked against its reflected contract). */
export interface DispatchArgs {
  /** The fields of the entry point's uniform struct (padding fields `_…` excluded). */
  uniforms?: UniformValues;
  /** A buffer (or tensor) for every storage binding the entry point uses, by variable name. */
  bindings: Readonly<Record<string, Bindable>>;
  workgroups: [number, number?, number?];
}

export class Engine {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly waiter = new Waiter();
  private uniforms: UniformArena;
  private profiler?: Profiler;
  private encoder?: GPUCommandEncoder;
  private pass?: GPUComputePassEncoder;
  private signature = FNV_START;
  private firstError?: string;
  private lastSubmit = 0;
  private lastSignature = 0;
  /** Incremented at each submit; the pool uses it to know what was freed during recording. */
  batch = 1;
  dispatches = 0;
  submits = 0;
  readonly limits: GPUSupportedLimits;
  /** A small buffer to bind where a kernel declares an input it does not read (fills). */
  readonly placeholder: GPUBuffer;

  constructor(readonly device: GPUDevice, readonly adapter: AdapterDescription, readonly hasTimestamps: boolean) {
    this.pool = new BufferPool(device, () => this.batch);
    this.pipelines = new PipelineCache(device);
    this.uniforms = new UniformArena(device);
    this.limits = device.limits;
    this.placeholder = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    // Only Dawn in Node busy-polls the JS thread while awaiting; in a browser the GPU process does the work
    // and the await costs nothing, while the sleeps came back late (measured A/B on the demo's Train page in
    // headless Chromium/SwiftShader, same load: 1.0-1.2 images/s with the waiter, 56-72 without).
    this.waiter.enabled = adapter.runtime !== 'browser';
    device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error.message;
      this.firstError ??= msg;
    });
  }

  static async create(opts: DeviceOptions = {}): Promise<Engine> {
    const { device, adapter, hasTimestamps } = await acquireDevice(opts);
    return new Engine(device, adapter, hasTimestamps);
  }

  // ---- recording ----------------------------------------------------------------------------

  private getEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }

  /**
   * Records one dispatch. Throws, naming kernel, entry point and field, before recording anything when
   * the constants, uniforms or bindings do not match what the entry point declares.
   */
  dispatch(kernel: KernelRef, a: DispatchArgs): void {
    const plan = this.pipelines.plan(kernel.family, kernel.entry);
    plan.checkConstants(kernel.constants);
    const entries: GPUBindGroupEntry[] = [];
    plan.storageEntries(a.bindings, entries);
    let uniform: Uint8Array | undefined;
    if (plan.uniform) uniform = plan.packUniform(a.uniforms);
    else if (a.uniforms) throw new Error(`${plan.where()}: the entry point declares no uniform, but uniform values were passed`);
    const { pipeline, key } = this.pipelines.get(kernel, plan);
    if (uniform) entries.push({ binding: plan.uniform!.binding, resource: this.uniforms.push(uniform) });
    const bindGroup = this.device.createBindGroup({ layout: this.pipelines.layout(plan), entries });
    const [x, y = 1, z = 1] = a.workgroups;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new Error(`${key}: grid ${x}×${y}×${z} exceeds ${max} workgroups per dimension`);
    if (x * y * z === 0) return;
    const encoder = this.getEncoder();
    if (this.profiler) {
      if (this.profiler.full) this.flush();
      this.endPass();
      const tw = this.profiler.next(key)!;
      this.pass = this.getEncoder().beginComputePass({ timestampWrites: tw });
    } else {
      this.pass ??= encoder.beginComputePass();
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(x, y, z);
    if (this.profiler) this.endPass();
    this.dispatches++;
    let s = this.signature;
    for (let i = 0; i < key.length; i += 7) s = fnv(s, key.charCodeAt(i));
    this.signature = fnv(fnv(fnv(s, x), y), z);
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.getEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Uploads host data into a buffer before any command recorded after this call. */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Submits everything recorded so far. Cheap when nothing is recorded. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    const encoder = this.encoder;
    this.encoder = undefined;
    const afterSubmit: (() => void)[] = [];
    this.profiler?.resolve(encoder, (fn) => afterSubmit.push(fn));
    this.uniforms.upload(this.device.queue);
    this.device.queue.submit([encoder.finish()]);
    this.submits++;
    this.batch++;
    this.lastSubmit = performance.now();
    this.lastSignature = this.signature;
    this.signature = FNV_START;
    for (const fn of afterSubmit) fn();
    this.throwIfError();
  }

  /** Waits until the GPU has finished everything submitted, sleeping while it works (see Waiter). */
  async sync(): Promise<void> {
    this.flush();
    await this.waiter.wait(this.lastSignature, this.lastSubmit, () => this.device.queue.onSubmittedWorkDone());
    this.throwIfError();
  }

  /**
   * Copies several buffers (each from `offset`, default 0) back with one submit and one wait into one
   * staging buffer, where a read per buffer would pay a submit and a map round trip each: a checkpoint
   * reads dozens of tensors. Flushes.
   */
  async readMany(parts: readonly { buffer: GPUBuffer; bytes: number; offset?: number }[]): Promise<ArrayBuffer[]> {
    const at: number[] = [];
    let total = 0;
    for (const p of parts) { at.push(total); total += Math.ceil(p.bytes / 4) * 4; }
    if (total === 0) { this.flush(); return parts.map(() => new ArrayBuffer(0)); }
    const staging = this.device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    parts.forEach((p, i) => { if (p.bytes > 0) this.copy(p.buffer, p.offset ?? 0, staging, at[i], Math.ceil(p.bytes / 4) * 4); });
    this.flush();
    await this.waiter.wait(this.lastSignature, this.lastSubmit, () => staging.mapAsync(GPUMapMode.READ));
    const all = staging.getMappedRange();
    const out = parts.map((p, i) => all.slice(at[i], at[i] + p.bytes));
    staging.unmap();
    staging.destroy();
    this.throwIfError();
    return out;
  }

  /** Copies `bytes` of a buffer back to the host. Flushes. */
  async read(buffer: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
    return (await this.readMany([{ buffer, bytes, offset }]))[0];
  }

  private throwIfError(): void {
    if (this.firstError) {
      const e = this.firstError;
      this.firstError = undefined;
      throw new Error(`WebGPU error: ${e}`);
    }
  }

  // ---- profiling & stats ----------------------------------------------------------------------

  /** Turns per-kernel timestamp profiling on or off (needs the timestamp-query feature). */
  setProfiling(on: boolean): void {
    this.flush();
    if (on && !this.hasTimestamps) throw new Error('this adapter has no timestamp-query feature');
    if (on && !this.profiler) this.profiler = new Profiler(this.device);
    if (!on && this.profiler) {
      this.profiler.destroy();
      this.profiler = undefined;
    }
  }

  async profile(): Promise<KernelTiming[]> {
    if (!this.profiler) return [];
    await this.sync();
    return this.profiler.report();
  }

  resetProfile(): void {
    this.profiler?.reset();
  }

  memory(): PoolStats {
    return this.pool.snapshot();
  }

  destroy(): void {
    this.flush();
    this.pool.trim();
    this.profiler?.destroy();
    this.device.destroy();
  }
}

let current: Engine | undefined;
let creating: Promise<Engine> | undefined;

/** Creates (once, even when called concurrently) and returns the default engine. */
export async function init(opts: DeviceOptions = {}): Promise<Engine> {
  if (current) return current;
  creating ??= Engine.create(opts).finally(() => { creating = undefined; });
  current = await creating;
  return current;
}

export function engine(): Engine {
  if (!current) throw new Error('ecgpu: call `await init()` before using tensors');
  return current;
}

export function setEngine(e: Engine | undefined): void {
  current = e;
}
