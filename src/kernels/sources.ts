/**
 * WGSL sources by kernel-family name (`gemm` → `src/kernels/gemm.wgsl`), and the family objects that
 * launchers hand to the engine (which imports nothing from here).
 *
 * From source (tsx, vitest) the files are read next to this module. Bundles (scripts/build.mjs) replace
 * `loadFromDisk` with a table of every .wgsl file inlined, so browsers and `dist/` need no file access.
 */
import type { KernelFamily } from '../engine/pipelines.js';
import { contracts } from './contracts.generated.js';
import { inlinedSources } from './inlined.js';

const cache = new Map<string, string>();

function loadFromDisk(name: string): string {
  // Resolved lazily so that browser bundles, which never reach this line, carry no `node:fs`.
  const req = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process?.getBuiltinModule;
  if (!req) throw new Error(`kernel source '${name}' is not inlined and there is no file system to read it from`);
  const fs = req('node:fs') as typeof import('node:fs');
  return fs.readFileSync(new URL(`./${name}.wgsl`, import.meta.url), 'utf8');
}

export function kernelSource(name: string): string {
  let src = cache.get(name);
  if (src === undefined) {
    src = inlinedSources[name] ?? loadFromDisk(name);
    cache.set(name, src);
  }
  return src;
}

const families = new Map<string, KernelFamily>();

/** The family of `src/kernels/<name>.wgsl`, for launchers' dispatches. */
export function kernelFamily(name: string): KernelFamily {
  let f = families.get(name);
  if (!f) {
    const contract = contracts[name];
    if (!contract) throw new Error(`kernel family '${name}' has no reflected contract: run \`npm run gen:contracts\``);
    f = { name, source: () => kernelSource(name), contract };
    families.set(name, f);
  }
  return f;
}
