/**
 * Reflects a WGSL module into the contract the engine checks dispatches against (src/engine/contract.ts):
 * its uniform structs (fields, offsets, size), override constants (types, defaults) and, per compute entry
 * point, its bindings, overrides and workgroup size. With wgsl_reflect, a dev dependency: the project's
 * own kernels are reflected at build time (scripts/gen-contracts.ts writes contracts.generated.ts, so the
 * main bundles carry no WGSL parser); a user's own kernel is reflected at run time by `wgslKernel` in
 * ecgpu/testing, whose bundle carries wgsl_reflect.
 */
import { WgslParser, WgslReflect, ResourceType, type FunctionInfo } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { BindingContract, EntryContract, FamilyContract, FieldType, OverrideContract } from '../engine/contract.js';

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
