/**
 * One compute pipeline per (kernel family, entry point, baked constants, binding shape), cached by key,
 * as tfjs-backend-webgpu does with its shader keys. Shapes that decide tiling are baked in as WGSL
 * `override` constants; everything else goes in uniforms so one pipeline serves many shapes.
 */

/**
 * A kernel family (one WGSL module) as the layer above hands it in: the engine never imports kernels,
 * so it stays the ground floor (src/kernels/sources.ts makes these).
 */
export interface KernelFamily {
  /** The .wgsl file name without extension. */
  readonly name: string;
  /** The WGSL source, read on first use. */
  source(): string;
}

export interface KernelRef {
  family: KernelFamily;
  entry: string;
  constants?: Record<string, number | boolean>;
}

export interface BindingShape {
  uniform: boolean;
  reads: number;
  writes: number;
}

export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private modules = new Map<string, GPUShaderModule>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  static key(k: KernelRef, b: BindingShape): string {
    const consts = k.constants
      ? Object.keys(k.constants).sort().map((n) => `${n}=${Number(k.constants![n])}`).join(',')
      : '';
    return `${k.family.name}/${k.entry}[${consts}]u${+b.uniform}r${b.reads}w${b.writes}`;
  }

  layout(b: BindingShape): GPUBindGroupLayout {
    const key = `u${+b.uniform}r${b.reads}w${b.writes}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      const vis = GPUShaderStage.COMPUTE;
      if (b.uniform) entries.push({ binding: 0, visibility: vis, buffer: { type: 'uniform' } });
      for (let i = 0; i < b.reads; i++) entries.push({ binding: entries.length, visibility: vis, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < b.writes; i++) entries.push({ binding: entries.length, visibility: vis, buffer: { type: 'storage' } });
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, l);
    }
    return l;
  }

  get(k: KernelRef, b: BindingShape): { pipeline: GPUComputePipeline; key: string } {
    const key = PipelineCache.key(k, b);
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(k.family.name);
      if (!module) {
        module = this.device.createShaderModule({ code: k.family.source(), label: k.family.name });
        this.modules.set(k.family.name, module);
      }
      const constants: Record<string, number> = {};
      for (const [n, v] of Object.entries(k.constants ?? {})) constants[n] = Number(v);
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(b)] }),
        compute: { module, entryPoint: k.entry, constants },
      });
      this.pipelines.set(key, pipeline);
      this.compiled++;
    }
    return { pipeline, key };
  }
}
