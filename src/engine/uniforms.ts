/**
 * Per-dispatch uniforms live in 64 KiB arena chunks, one 256-byte slot per dispatch. The CPU copy is
 * written with one `writeBuffer` per chunk at flush, so a step of hundreds of kernels costs a few
 * writes instead of hundreds, and no uniform buffer is ever overwritten while a recorded command needs it.
 */
const CHUNK_BYTES = 64 * 1024;
const SLOT_BYTES = 256;

export class UniformArena {
  private chunks: { gpu: GPUBuffer; cpu: Uint8Array<ArrayBuffer> }[] = [];
  private chunk = 0;
  private offset = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Copies `data` into the next slot and returns the binding resource for it. */
  push(data: ArrayBufferView): GPUBufferBinding {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length > SLOT_BYTES) throw new Error(`uniform block of ${bytes.length} bytes exceeds ${SLOT_BYTES}`);
    if (this.offset + SLOT_BYTES > CHUNK_BYTES) {
      this.chunk++;
      this.offset = 0;
    }
    if (this.chunk === this.chunks.length) {
      this.chunks.push({
        gpu: this.device.createBuffer({ size: CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
        cpu: new Uint8Array(CHUNK_BYTES),
      });
    }
    const c = this.chunks[this.chunk];
    c.cpu.set(bytes, this.offset);
    const binding = { buffer: c.gpu, offset: this.offset, size: Math.max(16, Math.ceil(bytes.length / 16) * 16) };
    this.offset += SLOT_BYTES;
    return binding;
  }

  /** Uploads what was pushed since the last upload; call right before submitting. */
  upload(queue: GPUQueue): void {
    for (let i = 0; i <= this.chunk && i < this.chunks.length; i++) {
      const used = i < this.chunk ? CHUNK_BYTES : this.offset;
      if (used > 0) queue.writeBuffer(this.chunks[i].gpu, 0, this.chunks[i].cpu, 0, used);
    }
    this.chunk = 0;
    this.offset = 0;
  }
}
