/**
 * What a WGSL kernel family declares, as reflected from its source by wgsl_reflect at build time
 * (scripts/gen-contracts.ts → src/kernels/contracts.generated.ts): per entry point its bindings, the
 * override constants it uses and its workgroup size; per uniform struct its fields with WGSL offsets.
 *
 * Launchers pass uniforms and bindings by name; `EntryPlan` checks every dispatch against the contract
 * and throws, naming kernel, entry point and field, before anything is recorded.
 */

/** WebGPU's buffer binding types: `var<uniform>`, `var<storage, read>`, `var<storage, read_write>`. */
export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

export interface BindingContract {
  /** The WGSL variable's name: what launchers pass the buffer as. */
  name: string;
  group: number;
  binding: number;
  kind: BindingKind;
  /** The struct a uniform binding holds. */
  struct?: string;
}

export type FieldType = 'u32' | 'i32' | 'f32';

export interface FieldContract {
  name: string;
  type: FieldType;
  /** Byte offset by WGSL's alignment rules. */
  offset: number;
  size: number;
}

export interface StructContract {
  /** Byte size by WGSL's alignment rules (rounded up to the struct's alignment). */
  size: number;
  align: number;
  fields: FieldContract[];
}

export interface OverrideContract {
  type: 'u32' | 'i32' | 'f32' | 'bool';
  /** The WGSL initialiser; null when the override has none (a pipeline must then set it). */
  default: number | boolean | null;
}

export interface EntryContract {
  /** `@workgroup_size`: numbers, or the names of the override constants that set them. */
  workgroupSize: (number | string)[];
  /** Bindings the entry point uses (statically, through the functions it calls too), by binding number. */
  bindings: BindingContract[];
  /** Override constants the entry point uses, directly or through the functions it calls. */
  overrides: string[];
}

export interface FamilyContract {
  structs: Record<string, StructContract>;
  overrides: Record<string, OverrideContract>;
  entries: Record<string, EntryContract>;
}

/** What a launcher binds: a buffer, or anything holding one (a tensor). */
export type Bindable = GPUBuffer | { readonly buffer: GPUBuffer };
export type UniformValues = Readonly<Record<string, number | boolean>>;

/**
 * Fields whose name starts with `_` are padding: zero-filled, never passed by launchers.
 */
const isPadding = (name: string) => name.startsWith('_');

const U32_MAX = 2 ** 32 - 1;

/** One entry point's contract, prepared for checking and packing dispatches quickly. */
export class EntryPlan {
  /** Non-uniform bindings in binding order. */
  readonly storage: BindingContract[];
  readonly uniform?: BindingContract & { layout: StructContract; fields: FieldContract[] };
  /** Bytes of the uniform block as bound: the struct size rounded up to 16. */
  readonly uniformBytes: number;
  readonly overrides: ReadonlySet<string>;
  /** The bind group layout key: binding numbers and kinds, shared by entries of one shape. */
  readonly layoutKey: string;
  /** Padding fields stay zero: only named fields are ever written. */
  private readonly scratch?: DataView;
  private readonly scratchBytes?: Uint8Array;

  constructor(readonly family: string, readonly entry: string, readonly contract: EntryContract, private readonly familyContract: FamilyContract) {
    const where = this.where();
    for (const b of contract.bindings) if (b.group !== 0) throw new Error(`${where}: binding '${b.name}' is in group ${b.group}; the engine binds group 0 only`);
    const uniforms = contract.bindings.filter((b) => b.kind === 'uniform');
    if (uniforms.length > 1) throw new Error(`${where}: ${uniforms.length} uniform bindings; the engine packs one`);
    const u = uniforms[0];
    if (u) {
      const layout = u.struct ? familyContract.structs[u.struct] : undefined;
      if (!layout) throw new Error(`${where}: uniform '${u.name}' has no reflected struct`);
      this.uniform = { ...u, layout, fields: layout.fields.filter((f) => !isPadding(f.name)) };
    }
    this.uniformBytes = u ? Math.max(16, Math.ceil(this.uniform!.layout.size / 16) * 16) : 0;
    if (u) {
      this.scratchBytes = new Uint8Array(this.uniformBytes);
      this.scratch = new DataView(this.scratchBytes.buffer);
    }
    this.storage = contract.bindings.filter((b) => b.kind !== 'uniform').sort((a, b) => a.binding - b.binding);
    this.overrides = new Set(contract.overrides);
    this.layoutKey = [...contract.bindings].sort((a, b) => a.binding - b.binding).map((b) => `${b.binding}${b.kind[0]}`).join(',');
  }

  where(field?: string): string {
    return `kernel ${this.family}, entry point ${this.entry}${field ? `, ${field}` : ''}`;
  }

  /** Throws unless every constant is an override the entry point uses, with a value of its type. */
  checkConstants(constants: Readonly<Record<string, number | boolean>> | undefined): void {
    if (!constants) return;
    for (const name in constants) {
      const v = constants[name];
      if (!this.overrides.has(name)) {
        const known = this.familyContract.overrides[name] ? 'is not used by this entry point' : 'is not declared by the shader';
        throw new Error(`${this.where(`override constant '${name}'`)} ${known} (it uses: ${[...this.overrides].join(', ') || 'none'})`);
      }
      const type = this.familyContract.overrides[name].type;
      if (!valueFits(type, v)) throw new Error(`${this.where(`override constant '${name}'`)}: ${String(v)} is not a ${type}`);
    }
  }

  /**
   * The uniform block for these values by the reflected layout (a scratch buffer of this plan, valid
   * until the next call: the engine copies it into its arena at once); throws on any mismatch.
   */
  packUniform(values: UniformValues | undefined): Uint8Array {
    const u = this.uniform!;
    const view = this.scratch!;
    if (!values) throw new Error(`${this.where()}: the shader declares uniform '${u.name}' (${u.struct}) but no uniform values were passed`);
    let seen = 0;
    for (const f of u.fields) {
      const v = values[f.name];
      if (v === undefined) throw new Error(`${this.where(`uniform field '${f.name}'`)}: missing (${u.struct} has ${u.fields.map((x) => x.name).join(', ')})`);
      const at = f.offset;
      if (f.type === 'f32') {
        if (typeof v !== 'number') throw new Error(`${this.where(`uniform field '${f.name}'`)}: ${String(v)} is not an f32`);
        view.setFloat32(at, v, true);
      } else {
        const n = typeof v === 'boolean' ? +v : v;
        if (!valueFits(f.type, n)) throw new Error(`${this.where(`uniform field '${f.name}'`)}: ${String(v)} is not a ${f.type}`);
        if (f.type === 'u32') view.setUint32(at, n, true);
        else view.setInt32(at, n, true);
      }
      seen++;
    }
    if (countKeys(values) !== seen) {
      const extra = Object.keys(values).filter((k) => !u.fields.some((f) => f.name === k));
      throw new Error(`${this.where(`uniform field '${extra[0]}'`)}: not a field of ${u.struct} (${u.fields.map((x) => x.name).join(', ')})`);
    }
    return this.scratchBytes!;
  }

  /** The bind group entries for the storage bindings, by name; throws on a missing or undeclared one. */
  storageEntries(bindings: Readonly<Record<string, Bindable>>, into: GPUBindGroupEntry[]): void {
    for (const b of this.storage) {
      const v = bindings[b.name];
      if (!v) throw new Error(`${this.where(`binding '${b.name}'`)}: missing (the entry point binds ${this.storage.map((x) => x.name).join(', ')})`);
      into.push({ binding: b.binding, resource: { buffer: 'buffer' in v ? v.buffer : v } });
    }
    if (countKeys(bindings) !== this.storage.length) {
      const extra = Object.keys(bindings).filter((k) => !this.storage.some((b) => b.name === k));
      throw new Error(`${this.where(`binding '${extra[0]}'`)}: not declared by the entry point (it binds ${this.storage.map((x) => x.name).join(', ')})`);
    }
  }
}

function countKeys(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

function valueFits(type: OverrideContract['type'], v: number | boolean): boolean {
  if (type === 'bool') return typeof v === 'boolean';
  if (typeof v !== 'number') return false;
  if (type === 'f32') return true;
  if (!Number.isInteger(v)) return false;
  return type === 'u32' ? v >= 0 && v <= U32_MAX : v >= -(2 ** 31) && v < 2 ** 31;
}
