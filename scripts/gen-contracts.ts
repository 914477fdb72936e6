/**
 * `npm run gen:contracts`: reflects every src/kernels/*.wgsl with wgsl_reflect (a dev dependency) and
 * writes src/kernels/contracts.generated.ts — per family its uniform structs (fields, offsets, size),
 * override constants (types, defaults) and per entry point its bindings, overrides and workgroup size.
 * The table is checked in, so the runtime needs no WGSL parser; test/kernels/contracts.test.ts
 * regenerates it in memory and fails when the checked-in file is stale.
 *
 *   npx tsx scripts/gen-contracts.ts [--check]   (--check: exit 1 if the file is stale, write nothing)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WgslParser, WgslReflect, ResourceType, type FunctionInfo } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { BindingContract, EntryContract, FamilyContract, FieldType, OverrideContract } from '../src/engine/contract.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KERNELS_DIR = join(ROOT, 'src/kernels');
export const GENERATED = join(KERNELS_DIR, 'contracts.generated.ts');

const FIELD_TYPES = new Set<string>(['u32', 'i32', 'f32']);
const OVERRIDE_TYPES = new Set<string>(['u32', 'i32', 'f32', 'bool']);

/** Every function an entry point reaches, itself included. */
function reachable(fn: FunctionInfo, seen = new Set<FunctionInfo>()): Set<FunctionInfo> {
  if (seen.has(fn)) return seen;
  seen.add(fn);
  for (const c of fn.calls) reachable(c, seen);
  return seen;
}

/** The code with comments blanked out, line structure kept. */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

/** Reflects one WGSL module. Throws, naming the family, on anything the engine cannot bind or pack. */
export function reflectFamily(family: string, code: string): FamilyContract {
  const fail = (what: string): never => {
    throw new Error(`${family}.wgsl: ${what}`);
  };
  const r = new WgslReflect(code);
  const overrides: Record<string, OverrideContract> = {};
  for (const node of new WgslParser().parse(code)) {
    if (node.astNodeType !== 'override') continue;
    const o = node as unknown as { name: string; type: { name: string } | null; value: { astNodeType: string; value?: { data: ArrayLike<number> } } | null };
    const type = o.type?.name ?? fail(`override ${o.name} has no explicit type`);
    if (!OVERRIDE_TYPES.has(type)) fail(`override ${o.name} has type ${type} (u32, i32, f32, bool supported)`);
    let def: number | boolean | null = null;
    if (o.value) {
      if (o.value.astNodeType !== 'literalExpr' || !o.value.value) fail(`override ${o.name}: only literal defaults are reflected`);
      const v = o.value.value!.data[0];
      def = type === 'bool' ? Boolean(v) : Number(v);
    }
    overrides[o.name] = { type: type as OverrideContract['type'], default: def };
  }
  const structs: FamilyContract['structs'] = {};
  for (const s of r.structs) {
    if (!r.uniforms.some((u) => u.type.name === s.name)) continue;
    structs[s.name] = {
      size: s.size,
      align: s.align,
      fields: s.members.map((m) => {
        if (!FIELD_TYPES.has(m.type.name)) fail(`uniform struct ${s.name}.${m.name} has type ${m.type.name} (scalar u32, i32, f32 supported)`);
        return { name: m.name, type: m.type.name as FieldType, offset: m.offset, size: m.size };
      }),
    };
  }
  const entries: Record<string, EntryContract> = {};
  const bodyLines = withoutComments(code).split('\n');
  for (const fn of [...r.entry.compute].sort((a, b) => a.startLine - b.startLine)) {
    const bindings: BindingContract[] = fn.resources
      .map((v) => {
        if (v.resourceType !== ResourceType.Uniform && v.resourceType !== ResourceType.Storage) fail(`${fn.name}: binding ${v.name} is not a buffer`);
        const kind = v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read_write' ? 'storage' : 'read-only-storage';
        const b: BindingContract = { name: v.name, group: v.group, binding: v.binding, kind };
        if (kind === 'uniform') b.struct = v.type.name;
        return b;
      })
      .sort((a, b) => a.group - b.group || a.binding - b.binding);
    for (let i = 1; i < bindings.length; i++) {
      if (bindings[i].group === bindings[i - 1].group && bindings[i].binding === bindings[i - 1].binding) {
        fail(`${fn.name}: ${bindings[i - 1].name} and ${bindings[i].name} are both @binding(${bindings[i].binding})`);
      }
    }
    const used = new Set<string>();
    for (const f of reachable(fn)) {
      for (const o of f.overrides) used.add(o.name);
      // wgsl_reflect does not see an override used only as a switch selector (elementwise's `switch OP`):
      // also look for override names among the identifiers of each function body, comments removed.
      for (const t of bodyLines.slice(f.startLine - 1, f.endLine).join('\n').matchAll(/[A-Za-z_]\w*/g)) if (t[0] in overrides) used.add(t[0]);
    }
    const size = fn.attributes?.find((a) => a.name === 'workgroup_size')?.value ?? fail(`${fn.name} has no @workgroup_size`);
    const dims = (Array.isArray(size) ? size : [size]).map((d) => (/^\d+u?$/.test(d) ? parseInt(d, 10) : d));
    while (dims.length < 3) dims.push(1);
    entries[fn.name] = { workgroupSize: dims, bindings, overrides: Object.keys(overrides).filter((o) => used.has(o)) };
  }
  return { structs, overrides, entries };
}

/** Every src/kernels/*.wgsl as { family: source }, sorted by name. */
export function readSources(dir = KERNELS_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.wgsl')) out[f.slice(0, -5)] = readFileSync(join(dir, f), 'utf8');
  return out;
}

/** A value as a TypeScript literal in the project's style: `{ name: 'x', binding: 1 }`. */
function j(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(j).join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (v && typeof v === 'object') {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${j(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return String(v);
}

/** The text of contracts.generated.ts for these sources. */
export function generateContracts(sources = readSources()): string {
  const lines = [
    '/**',
    ' * Generated by `npm run gen:contracts` (scripts/gen-contracts.ts) from src/kernels/*.wgsl with',
    ' * wgsl_reflect. Do not edit: change the WGSL and regenerate (a test fails when this is stale).',
    ' */',
    "import type { FamilyContract } from '../engine/contract.js';",
    '',
    'export const contracts: Record<string, FamilyContract> = {',
  ];
  for (const [family, code] of Object.entries(sources)) {
    const c = reflectFamily(family, code);
    lines.push(`  ${family}: {`);
    lines.push('    structs: {');
    for (const [name, s] of Object.entries(c.structs)) {
      lines.push(`      ${name}: { size: ${s.size}, align: ${s.align}, fields: [`);
      for (const f of s.fields) lines.push(`        ${j(f)},`);
      lines.push('      ] },');
    }
    lines.push('    },');
    lines.push(`    overrides: ${j(c.overrides)},`);
    lines.push('    entries: {');
    for (const [name, e] of Object.entries(c.entries)) {
      lines.push(`      ${name}: {`);
      lines.push(`        workgroupSize: ${j(e.workgroupSize)},`);
      lines.push(`        overrides: ${j(e.overrides)},`);
      lines.push('        bindings: [');
      for (const b of e.bindings) lines.push(`          ${j(b)},`);
      lines.push('        ],');
      lines.push('      },');
    }
    lines.push('    },');
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const text = generateContracts();
    const current = (() => {
      try {
        return readFileSync(GENERATED, 'utf8');
      } catch {
        return '';
      }
    })();
    if (process.argv.includes('--check')) {
      if (current !== text) {
        console.error('src/kernels/contracts.generated.ts is stale: run `npm run gen:contracts`');
        process.exit(1);
      }
      console.log('src/kernels/contracts.generated.ts is up to date');
    } else if (current === text) {
      console.log('src/kernels/contracts.generated.ts is up to date');
    } else {
      writeFileSync(GENERATED, text);
      console.log(`wrote src/kernels/contracts.generated.ts (${Object.keys(readSources()).length} families)`);
    }
  } catch (e) {
    console.error(`gen:contracts: ${(e as Error).message}`);
    process.exit(1);
  }
}
