/**
 * Every op in the op table, driven by the table itself:
 *  1. the GPU forward against the float64 TypeScript reference on each listed shape (random + edge);
 *  2. the GPU backward against central finite differences of the float64 reference forward, for a
 *     loss L = sum(out · R) with a fixed random R. Tolerances are stated per op (defaults below).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { opTable, apply, type OpCase, type OpSpec } from '../../src/autograd/op.js';
import '../../src/autograd/index.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { backward } from '../../src/autograd/backward.js';
import { mulberry32 } from '../../src/reference/random.js';
import { host, type HostTensor } from '../../src/reference/host-tensor.js';

const FORWARD_TOL = { atol: 1e-4, rtol: 1e-4 };
const GRAD_TOL = { atol: 2e-3, rtol: 2e-2 };
const MAX_CHECKED_PER_INPUT = 48;

beforeAll(async () => {
  await gpu();
});

function makeInputs(c: OpCase<unknown>, seed: number): number[][] {
  const rand = mulberry32(seed);
  if (c.inputs) return c.inputs(rand);
  return c.shapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1));
}

const label = (c: OpCase<unknown>) => `${c.shapes.map((s) => `[${s}]`).join(' ')}${c.label ? ` (${c.label})` : ''} ${JSON.stringify(c.attrs)}`;

for (const op of opTable as OpSpec<unknown>[]) {
  describe(op.name, () => {
    for (const [k, c] of op.cases.entries()) {
      it(`forward matches reference: ${label(c)}`, async () => {
        const data = makeInputs(c, 1000 + k);
        const want = op.reference(data.map((d, i) => host(d, c.shapes[i])), c.attrs);
        const out = tidy(() => apply(op, data.map((d, i) => Tensor.from(d, c.shapes[i], op.differentiable?.[i] === false ? 'i32' : 'f32')), c.attrs).keep());
        expect([...out.shape]).toEqual(want.shape);
        const got = await out.read();
        out.dispose();
        const tol = op.tolerance ?? FORWARD_TOL;
        const r = compare(got, want.data, tol.atol, tol.rtol);
        expect(r.ok, `max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
      });
    }
    if (!op.backward) return;
    for (const [k, c] of (op.gradCases ?? op.cases.slice(0, 1)).entries()) {
      it(`gradient matches finite differences: ${label(c)}`, async () => {
        const data = makeInputs(c, 2000 + k);
        const rand = mulberry32(77 + k);
        const outShape = op.reference(data.map((d, i) => host(d, c.shapes[i])), c.attrs).shape;
        const R = Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1);
        const diff = (i: number) => op.differentiable?.[i] !== false;
        const leaves = data.map((d, i) => {
          const t = Tensor.from(d, c.shapes[i], diff(i) ? 'f32' : 'i32').keep();
          t.requiresGrad = diff(i);
          return t;
        });
        tidy(() => {
          const out = apply(op, leaves, c.attrs);
          backward(out, Tensor.from(R, out.shape));
        });
        const loss = (inputs: HostTensor[]) => {
          const o = op.reference(inputs, c.attrs);
          let s = 0;
          for (let j = 0; j < o.data.length; j++) s += o.data[j] * R[j];
          return s;
        };
        const tol = op.gradTolerance ?? GRAD_TOL;
        for (let i = 0; i < leaves.length; i++) {
          if (!diff(i)) continue;
          const got = await leaves[i].grad!.read();
          const n = data[i].length;
          const pick = n <= MAX_CHECKED_PER_INPUT ? [...Array(n).keys()] : Array.from({ length: MAX_CHECKED_PER_INPUT }, () => Math.floor(rand() * n));
          const numeric: number[] = [], analytic: number[] = [];
          for (const j of pick) {
            const h = 1e-3 * Math.max(1, Math.abs(data[i][j]));
            const at = (delta: number) => loss(data.map((d, m) => { const x = host(d, c.shapes[m]); if (m === i) x.data[j] += delta; return x; }));
            numeric.push((at(h) - at(-h)) / (2 * h));
            analytic.push(got[j]);
          }
          const r = compare(analytic, numeric, tol.atol, tol.rtol);
          expect(r.ok, `input ${i}: max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
        }
        for (const t of leaves) { t.grad?.dispose(); t.dispose(); }
      });
    }
  });
}
