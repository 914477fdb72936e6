/**
 * Per-kernel GPU time from timestamp queries. When profiling is on, each dispatch gets its own compute
 * pass with begin/end timestamps (timestamps are per pass in WebGPU); off, dispatches share one pass.
 */
export interface KernelTiming {
  kernel: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

const CAPACITY = 4096; // queries per set: 2048 dispatches between reads

export class Profiler {
  private querySet: GPUQuerySet;
  private resolveBuf: GPUBuffer;
  private labels: string[] = [];
  private pendingReads: Promise<void>[] = [];
  private totals = new Map<string, { calls: number; ns: number }>();

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: CAPACITY });
    this.resolveBuf = device.createBuffer({ size: CAPACITY * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** Timestamp writes for the next dispatch, or null when the set is full (flush first). */
  next(label: string): GPUComputePassTimestampWrites | null {
    const i = this.labels.length;
    if (2 * i + 2 > CAPACITY) return null;
    this.labels.push(label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  get full(): boolean {
    return 2 * this.labels.length + 2 > CAPACITY;
  }

  /** Encodes the resolve and a copy to a mappable buffer; the read completes asynchronously. */
  resolve(encoder: GPUCommandEncoder, afterSubmit: (fn: () => void) => void): void {
    const n = this.labels.length;
    if (!n) return;
    const labels = this.labels;
    this.labels = [];
    const staging = this.device.createBuffer({ size: n * 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuf, 0);
    encoder.copyBufferToBuffer(this.resolveBuf, 0, staging, 0, n * 16);
    afterSubmit(() => {
      this.pendingReads.push(
        staging.mapAsync(GPUMapMode.READ).then(() => {
          const t = new BigUint64Array(staging.getMappedRange());
          for (let i = 0; i < n; i++) {
            const ns = Number(t[2 * i + 1] - t[2 * i]);
            const e = this.totals.get(labels[i]) ?? { calls: 0, ns: 0 };
            e.calls++;
            e.ns += Math.max(0, ns);
            this.totals.set(labels[i], e);
          }
          staging.unmap();
          staging.destroy();
        }),
      );
    });
  }

  /** Waits for outstanding reads and returns timings sorted by total time. */
  async report(): Promise<KernelTiming[]> {
    await Promise.all(this.pendingReads);
    this.pendingReads = [];
    return [...this.totals.entries()]
      .map(([kernel, { calls, ns }]) => ({ kernel, calls, totalMs: ns / 1e6, meanMs: ns / 1e6 / calls }))
      .sort((a, b) => b.totalMs - a.totalMs);
  }

  reset(): void {
    this.totals.clear();
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuf.destroy();
  }
}
