/**
 * The reflected kernel contracts (no GPU needed):
 *  - the checked-in src/kernels/contracts.generated.ts is what `npm run gen:contracts` makes now;
 *  - every uniform struct's offsets and size follow WGSL's alignment rules (computed here independently);
 *  - the reflection itself on small shaders: access modes, overrides reached through calls and switch
 *    selectors, workgroup sizes set by overrides, and refusals of what the engine cannot pack;
 *  - EntryPlan's checks: a missing, extra or mistyped uniform field, an unknown or mistyped override
 *    constant, a missing or undeclared binding each throw an error naming kernel, entry point and field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generateContracts, readSources, reflectFamily } from '../../scripts/gen-contracts.js';
import { contracts } from '../../src/kernels/contracts.generated.js';
import { EntryPlan, type FieldType } from '../../src/engine/contract.js';

/** WGSL's AlignOf / SizeOf for the scalar member types a uniform struct may hold. */
const SCALAR: Record<FieldType, { align: number; size: number }> = { u32: { align: 4, size: 4 }, i32: { align: 4, size: 4 }, f32: { align: 4, size: 4 } };
const roundUp = (k: number, n: number) => Math.ceil(n / k) * k;

describe('contracts.generated.ts', () => {
  it('is up to date with src/kernels/*.wgsl (else run `npm run gen:contracts`)', () => {
    expect(readFileSync(GENERATED, 'utf8') === generateContracts(), 'src/kernels/contracts.generated.ts is stale: run `npm run gen:contracts`').toBe(true);
  });

  it('covers every kernel family', () => {
    expect(Object.keys(contracts).sort()).toEqual(Object.keys(readSources()).sort());
  });

  for (const [family, c] of Object.entries(contracts)) {
    for (const [name, s] of Object.entries(c.structs)) {
      it(`${family}.${name}: offsets and size by WGSL alignment rules`, () => {
        let end = 0, align = 1;
        for (const f of s.fields) {
          const t = SCALAR[f.type];
          expect(f.offset, f.name).toBe(roundUp(t.align, end));
          expect(f.size, f.name).toBe(t.size);
          end = f.offset + t.size;
          align = Math.max(align, t.align);
        }
        expect(s.align).toBe(align);
        expect(s.size).toBe(roundUp(align, end));
      });
    }
    it(`${family}: every entry point binds group 0, one variable per binding, one uniform of a reflected struct`, () => {
      for (const [entry, e] of Object.entries(c.entries)) {
        const numbers = e.bindings.map((b) => b.binding);
        expect(new Set(numbers).size, entry).toBe(numbers.length);
        expect(e.bindings.every((b) => b.group === 0), entry).toBe(true);
        const uniforms = e.bindings.filter((b) => b.kind === 'uniform');
        expect(uniforms.length, entry).toBeLessThanOrEqual(1);
        for (const u of uniforms) expect(c.structs[u.struct!], `${entry}: ${u.struct}`).toBeDefined();
        for (const o of e.overrides) expect(c.overrides[o], `${entry}: ${o}`).toBeDefined();
        for (const d of e.workgroupSize) if (typeof d === 'string') expect(e.overrides, entry).toContain(d);
        expect(() => new EntryPlan(family, entry, e, c)).not.toThrow();
      }
    });
  }
});

const SHADER = `
struct P { n: u32, scale: f32, offset: i32, _pad: u32, }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst4: array<vec4<f32>>;
override OP: u32 = 2u;
override FLAG: bool = true;
override WG: u32 = 32u;
override UNUSED: f32 = 0.5;
fn op(x: f32) -> f32 {
  switch OP { // OP only as a selector: wgsl_reflect alone misses it
    case 0u: { return x; }
    default: { return -x; }
  }
}
fn scaled(x: f32) -> f32 { if (FLAG) { return op(x) * p.scale; } return x; }
@compute @workgroup_size(WG, 2)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < p.n) { dst[gid.x] = scaled(src[gid.x]) + f32(p.offset); }
}
@compute @workgroup_size(64)
fn zero(@builtin(global_invocation_id) gid: vec3<u32>) { dst4[gid.x] = vec4<f32>(); }
`;

describe('reflectFamily', () => {
  const c = reflectFamily('toy', SHADER);

  it('reads bindings with their access modes, per entry point', () => {
    expect(c.entries.main.bindings).toEqual([
      { name: 'p', group: 0, binding: 0, kind: 'uniform', struct: 'P' },
      { name: 'src', group: 0, binding: 1, kind: 'read-only-storage' },
      { name: 'dst', group: 0, binding: 2, kind: 'storage' },
    ]);
    expect(c.entries.zero.bindings).toEqual([{ name: 'dst4', group: 0, binding: 2, kind: 'storage' }]);
  });

  it('finds the overrides an entry point reaches through calls and switch selectors, with types and defaults', () => {
    expect(c.entries.main.overrides).toEqual(['OP', 'FLAG', 'WG']);
    expect(c.entries.zero.overrides).toEqual([]);
    expect(c.overrides).toEqual({ OP: { type: 'u32', default: 2 }, FLAG: { type: 'bool', default: true }, WG: { type: 'u32', default: 32 }, UNUSED: { type: 'f32', default: 0.5 } });
  });

  it('keeps workgroup sizes set by overrides by name', () => {
    expect(c.entries.main.workgroupSize).toEqual(['WG', 2, 1]);
    expect(c.entries.zero.workgroupSize).toEqual([64, 1, 1]);
  });

  it('lays out the uniform struct', () => {
    expect(c.structs.P).toEqual({
      size: 16, align: 4,
      fields: [
        { name: 'n', type: 'u32', offset: 0, size: 4 },
        { name: 'scale', type: 'f32', offset: 4, size: 4 },
        { name: 'offset', type: 'i32', offset: 8, size: 4 },
        { name: '_pad', type: 'u32', offset: 12, size: 4 },
      ],
    });
  });

  it('refuses what the engine cannot pack or bind, naming the file', () => {
    expect(() => reflectFamily('bad', SHADER.replace('offset: i32', 'offset: vec3<f32>'))).toThrow(/bad\.wgsl: uniform struct P\.offset has type vec3/);
    expect(() => reflectFamily('bad', SHADER.replace('override WG: u32 = 32u;', 'override WG: u32 = 16u * 2u;'))).toThrow(/bad\.wgsl: override WG: only literal defaults/);
    const twice = SHADER.replace('fn zero(@builtin(global_invocation_id) gid: vec3<u32>) { dst4[gid.x] = vec4<f32>(); }', 'fn zero(@builtin(global_invocation_id) gid: vec3<u32>) { dst4[gid.x] = vec4<f32>(); dst[0] = 0.0; }');
    expect(() => reflectFamily('bad', twice)).toThrow(/bad\.wgsl: zero: dst and dst4 are both @binding\(2\)|bad\.wgsl: zero: dst4 and dst are both @binding\(2\)/);
  });
});

describe('EntryPlan checks', () => {
  const c = reflectFamily('toy', SHADER);
  const plan = new EntryPlan('toy', 'main', c.entries.main, c);
  const buf = (label: string) => ({ label }) as unknown as GPUBuffer;
  const ok = { n: 5, scale: 0.5, offset: -3 };

  it('packs fields at their offsets, padding zero', () => {
    const bytes = plan.packUniform(ok);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(bytes.byteLength).toBe(16);
    expect([v.getUint32(0, true), v.getFloat32(4, true), v.getInt32(8, true), v.getUint32(12, true)]).toEqual([5, 0.5, -3, 0]);
    expect(() => plan.packUniform({ ...ok, n: true })).not.toThrow();
  });

  it('throws on a missing, extra or mistyped uniform field, naming kernel, entry point and field', () => {
    expect(() => plan.packUniform({ n: 5, scale: 0.5 })).toThrow("kernel toy, entry point main, uniform field 'offset': missing");
    expect(() => plan.packUniform({ ...ok, extra: 1 })).toThrow("kernel toy, entry point main, uniform field 'extra': not a field of P");
    expect(() => plan.packUniform({ ...ok, _pad: 0 })).toThrow("uniform field '_pad': not a field of P");
    expect(() => plan.packUniform({ ...ok, n: 1.5 })).toThrow("kernel toy, entry point main, uniform field 'n': 1.5 is not a u32");
    expect(() => plan.packUniform({ ...ok, n: -1 })).toThrow("uniform field 'n': -1 is not a u32");
    expect(() => plan.packUniform({ ...ok, scale: true })).toThrow("uniform field 'scale': true is not an f32");
    expect(() => plan.packUniform({ ...ok, offset: 2 ** 31 })).toThrow("uniform field 'offset': 2147483648 is not a i32");
    expect(() => plan.packUniform(undefined)).toThrow("kernel toy, entry point main: the shader declares uniform 'p' (P)");
  });

  it('throws on an unknown, unused or mistyped override constant', () => {
    expect(() => plan.checkConstants({ OP: 1, FLAG: false, WG: 64 })).not.toThrow();
    expect(() => plan.checkConstants({ NOPE: 1 })).toThrow("kernel toy, entry point main, override constant 'NOPE' is not declared by the shader");
    expect(() => plan.checkConstants({ UNUSED: 1 })).toThrow("kernel toy, entry point main, override constant 'UNUSED' is not used by this entry point");
    expect(() => plan.checkConstants({ FLAG: 1 })).toThrow("override constant 'FLAG': 1 is not a bool");
    expect(() => plan.checkConstants({ OP: 0.5 })).toThrow("override constant 'OP': 0.5 is not a u32");
  });

  it('binds by name at the reflected binding numbers; throws on a missing or undeclared binding', () => {
    const into: GPUBindGroupEntry[] = [];
    const s = buf('s'), d = buf('d');
    plan.storageEntries({ dst: d, src: { buffer: s } }, into);
    expect(into).toEqual([{ binding: 1, resource: { buffer: s } }, { binding: 2, resource: { buffer: d } }]);
    expect(() => plan.storageEntries({ src: s }, [])).toThrow("kernel toy, entry point main, binding 'dst': missing (the entry point binds src, dst)");
    expect(() => plan.storageEntries({ src: s, dst: d, dst4: d }, [])).toThrow("kernel toy, entry point main, binding 'dst4': not declared by the entry point");
  });

  it('derives the bind group layout key from binding numbers and access modes', () => {
    expect(plan.layoutKey).toBe('0u,1r,2s');
    expect(new EntryPlan('toy', 'zero', c.entries.zero, c).layoutKey).toBe('2s');
  });
});
