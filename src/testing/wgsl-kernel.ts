/**
 * A kernel family from a user's own WGSL source, for ops defined outside the project: reflected at run
 * time into the same contract the project's kernels have (src/kernels/reflect.ts), so
 * `engine().dispatch({ family, entry }, { uniforms, bindings, workgroups })` checks every dispatch of it
 * by name, as it does the built-in kernels'.
 */
import type { KernelFamily } from '../engine/pipelines.js';
import { reflectFamily } from '../kernels/reflect.js';

export function wgslKernel(name: string, source: string): KernelFamily {
  const contract = reflectFamily(name, source);
  if (Object.keys(contract.entries).length === 0) throw new Error(`${name}.wgsl: no @compute entry point`);
  return { name, source: () => source, contract };
}
