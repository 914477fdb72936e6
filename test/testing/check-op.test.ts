/**
 * ecgpu/testing on an op of one's own: the SiLU example (examples/custom-op/silu.mjs, its own WGSL kernel)
 * passes the same checks the op table passes, and the kit catches a wrong backward, a wrong forward and
 * a dispatch that does not match the kernel. (The same example runs from the packed package in
 * test/package/pack-install.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { checkOp, formatResults, GRAD_TOL, wgslKernel, type OpSpec } from '../../src/testing/index.js';
import { engine } from '../../src/engine/engine.js';
import { Tensor } from '../../src/engine/tensor.js';

let siluOp: OpSpec<Record<string, never>>;
beforeAll(async () => {
  await gpu();
  const example = new URL('../../examples/custom-op/silu.mjs', import.meta.url).href; // a path, not a literal: no .d.ts needed
  ({ siluOp } = (await import(example)) as { siluOp: OpSpec<Record<string, never>> });
});

describe('ecgpu/testing', () => {
  it('the SiLU example passes: every forward case against its reference, its backward against finite differences', async () => {
    const report = await checkOp(siluOp);
    expect(report.failed, formatResults(report.results)).toBe(0);
    expect(report.results.map((r) => r.kind)).toEqual(['forward', 'forward', 'forward', 'forward', 'gradient']);
    expect(formatResults(report.results).split('\n')[0]).toMatch(/^ok {3}silu forward \[3,5\] \{\} {2}max abs err \d\.\d\de[+-]\d+$/);
  });

  it('a wrong backward fails the gradient check, naming the input and the worst element', async () => {
    const wrong = { ...siluOp, name: 'silu-wrong-backward', backward: ({ grad }: { grad: Tensor }) => [grad] };
    const report = await checkOp(wrong as OpSpec<Record<string, never>>);
    const gradient = report.results.filter((r) => r.kind === 'gradient');
    expect(gradient.map((r) => r.ok)).toEqual([false]);
    expect(gradient[0].maxAbs).toBeGreaterThan(GRAD_TOL.atol);
    expect(gradient[0].detail).toMatch(/^input 0: max abs err .* at \d+: got .*, want /);
    expect(report.results.filter((r) => r.kind === 'forward').every((r) => r.ok)).toBe(true);
  });

  it('a forward that disagrees with its reference fails, and gradients: false skips the backward', async () => {
    const wrong = { ...siluOp, name: 'silu-wrong-reference', reference: siluOp.reference, cases: siluOp.cases.slice(0, 1) };
    wrong.reference = (inputs, attrs) => {
      const r = siluOp.reference(inputs, attrs);
      r.data[0] += 0.01;
      return r;
    };
    const report = await checkOp(wrong, { gradients: false });
    expect(report.results.map((r) => [r.kind, r.ok])).toEqual([['forward', false]]);
    expect(formatResults(report.results)).toMatch(/^FAIL silu-wrong-reference forward .* {2}at 0: got /);
  });

  it('a dispatch that names a binding the kernel lacks is a failed check saying so, not a crash', async () => {
    const family = wgslKernel('double', `
      struct P { n: u32 }
      @group(0) @binding(0) var<uniform> p: P;
      @group(0) @binding(1) var<storage, read> a: array<f32>;
      @group(0) @binding(2) var<storage, read_write> b: array<f32>;
      @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) { if (id.x < p.n) { b[id.x] = 2.0 * a[id.x]; } }`);
    expect(family.contract.entries.main.bindings.map((b) => b.name)).toEqual(['p', 'a', 'b']);
    const misnamed: OpSpec<Record<string, never>> = {
      ...siluOp, name: 'double-misnamed', backward: undefined, cases: siluOp.cases.slice(0, 1),
      forward: ([x]) => {
        const out = Tensor.empty(x.shape);
        engine().dispatch({ family, entry: 'main' }, { uniforms: { n: x.size }, bindings: { a: x, out }, workgroups: [1] });
        return { out };
      },
    };
    const report = await checkOp(misnamed);
    expect(report.failed).toBe(1);
    expect(report.results[0].detail).toMatch(/^threw: .*double/);
  });

  it('WGSL without a compute entry point is refused', () => {
    expect(() => wgslKernel('empty', 'fn f() {}')).toThrow('empty.wgsl: no @compute entry point');
  });
});
