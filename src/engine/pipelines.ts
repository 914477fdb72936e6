/**
 * One compute pipeline per (kernel family, entry point, baked constants), cached by key, as
 * tfjs-backend-webgpu does with its shader keys. Shapes that decide tiling are baked in as WGSL
 * `override` constants; everything else goes in uniforms so one pipeline serves many shapes.
 * Bind group layouts come from each entry point's reflected bindings (see contract.ts), shared by
 * entry points that bind the same kinds at the same binding numbers.
 */
import { EntryPlan, type FamilyContract } from './contract.js';

/**
 * A kernel family (one WGSL module) as the layer above hands it in: the engine never imports kernels,
 * so it stays the ground floor (src/kernels/sources.ts makes these).
 */
export interface KernelFamily {
  /** The .wgsl file name without extension. */
  readonly name: string;
  /** The WGSL source, read on first use. */
  source(): string;
  /** What the source declares, reflected at build time. */
  readonly contract: FamilyContract;
}

export interface KernelRef {
  family: KernelFamily;
  entry: string;
  constants?: Record<string, number | boolean>;
}

export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private modules = new Map<string, GPUShaderModule>();
  private plans = new Map<string, Map<string, EntryPlan>>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  static key(k: KernelRef): string {
    const consts = k.constants
      ? Object.keys(k.constants).sort().map((n) => `${n}=${Number(k.constants![n])}`).join(',')
      : '';
    return `${k.family.name}/${k.entry}[${consts}]`;
  }

  /** The checked contract of one entry point; throws if the family has no such entry point. */
  plan(family: KernelFamily, entry: string): EntryPlan {
    let byEntry = this.plans.get(family.name);
    if (!byEntry) this.plans.set(family.name, (byEntry = new Map()));
    let plan = byEntry.get(entry);
    if (!plan) {
      const c = family.contract.entries[entry];
      if (!c) throw new Error(`kernel ${family.name}: no entry point '${entry}' (it has ${Object.keys(family.contract.entries).join(', ')})`);
      plan = new EntryPlan(family.name, entry, c, family.contract);
      byEntry.set(entry, plan);
    }
    return plan;
  }

  layout(plan: EntryPlan): GPUBindGroupLayout {
    let l = this.layouts.get(plan.layoutKey);
    if (!l) {
      const visibility = GPUShaderStage.COMPUTE;
      const entries = plan.contract.bindings.map((b) => ({ binding: b.binding, visibility, buffer: { type: b.kind } }));
      l = this.device.createBindGroupLayout({ entries, label: plan.layoutKey });
      this.layouts.set(plan.layoutKey, l);
    }
    return l;
  }

  get(k: KernelRef, plan: EntryPlan): { pipeline: GPUComputePipeline; key: string } {
    const key = PipelineCache.key(k);
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
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(plan)] }),
        compute: { module, entryPoint: k.entry, constants },
      });
      this.pipelines.set(key, pipeline);
      this.compiled++;
    }
    return { pipeline, key };
  }

  /** Keys of every pipeline compiled so far (`family/entry[constants]`). */
  keys(): string[] {
    return [...this.pipelines.keys()];
  }
}
