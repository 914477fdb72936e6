/**
 * A bucketed GPU buffer pool with live-byte counters (the idea of onnxruntime-web's bucket allocator).
 *
 * Sizes are rounded up to a bucket so buffers get reused across steps with slightly different sizes.
 * A buffer freed while commands that use it are still being recorded may be reused as the output of a
 * later kernel in the same command buffer (commands run in order), but not as the target of a
 * `queue.writeBuffer`, which would run before the recorded commands: such buffers wait one flush.
 */
/** Read at call time: in Node the GPUBufferUsage global exists only once Dawn is loaded. */
export const tensorUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Always a multiple of 16 bytes: vec4 kernels (optim.wgsl) rely on the last partial vec4 existing. */
export function bucketSize(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 4096) return Math.ceil(b / 256) * 256;
  // Four buckets per power of two: waste at most 25%.
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 4;
  return Math.ceil(b / step) * step;
}

interface Pooled { buffer: GPUBuffer; freedInBatch: number }

export interface PoolStats {
  /** Bytes held by tensors that are alive. */
  liveBytes: number;
  /** Bytes sitting in the pool, ready for reuse. */
  pooledBytes: number;
  liveBuffers: number;
  pooledBuffers: number;
  /** Buffers created since start (a flat count over steps means the pool works). */
  created: number;
}

export class BufferPool {
  private free = new Map<number, Pooled[]>();
  private stats: PoolStats = { liveBytes: 0, pooledBytes: 0, liveBuffers: 0, pooledBuffers: 0, created: 0 };
  /** Pooled bytes above this are destroyed instead of kept. */
  maxPooledBytes = 2 ** 31;

  constructor(private readonly device: GPUDevice, private readonly currentBatch: () => number) {}

  acquire(bytes: number, forQueueWrite = false): GPUBuffer {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    if (list?.length) {
      const batch = this.currentBatch();
      const i = forQueueWrite ? list.findIndex((p) => p.freedInBatch < batch) : list.length - 1;
      if (i >= 0) {
        const [p] = list.splice(i, 1);
        this.stats.pooledBytes -= size;
        this.stats.pooledBuffers--;
        this.track(size, 1);
        return p.buffer;
      }
    }
    const buffer = this.device.createBuffer({ size, usage: tensorUsage() });
    this.stats.created++;
    this.track(size, 1);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.track(size, -1);
    if (this.stats.pooledBytes + size > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push({ buffer, freedInBatch: this.currentBatch() });
    this.stats.pooledBytes += size;
    this.stats.pooledBuffers++;
  }

  /** Destroys every pooled buffer (live ones are untouched). */
  trim(): void {
    for (const list of this.free.values()) for (const p of list) p.buffer.destroy();
    this.free.clear();
    this.stats.pooledBytes = 0;
    this.stats.pooledBuffers = 0;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }

  private track(size: number, sign: 1 | -1) {
    this.stats.liveBytes += sign * size;
    this.stats.liveBuffers += sign;
  }
}
