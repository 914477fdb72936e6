/**
 * Optimisers against the float64 references in src/reference/optim.ts: a few steps with random
 * gradients and a learning rate that changes every step (a schedule), plus a checkpoint round trip
 * and Adam converging on a small quadratic through autograd.
 * Tolerance: |gpu − ref| ≤ 2e-6 + 2e-5·|ref| for parameters and state after 6 steps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { engine } from '../../src/engine/engine.js';
import { SGD, Adam, AdamW, Optimizer, cosine, stepDecay, warmup } from '../../src/optim/index.js';
import { adamStepRef, sgdStepRef, type AdamRefOptions, type SgdRefOptions } from '../../src/reference/optim.js';
import { mulberry32 } from '../../src/reference/random.js';
import { mul, sub, sum } from '../../src/autograd/index.js';
import { backward } from '../../src/autograd/backward.js';

const ATOL = 2e-6, RTOL = 2e-5;
const SIZES = [1037, 3, 256];
const STEPS = 6;

beforeAll(async () => {
  await gpu();
});

const randn = (rand: () => number, n: number, scale = 1) => Array.from({ length: n }, () => scale * (2 * rand() - 1));

interface RefState { p: Float64Array; s: Float64Array[]; t: number }

type Case =
  | { name: string; kind: 'sgd'; opts: SgdRefOptions }
  | { name: string; kind: 'adam' | 'adamw'; opts: AdamRefOptions };

const cases: Case[] = [
  { name: 'SGD, weight decay', kind: 'sgd', opts: { lr: 0.1, weightDecay: 0.05 } },
  { name: 'SGD, momentum + dampening + weight decay', kind: 'sgd', opts: { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 } },
  { name: 'SGD, Nesterov', kind: 'sgd', opts: { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3 } },
  { name: 'Adam, L2 weight decay', kind: 'adam', opts: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 } },
  { name: 'AdamW', kind: 'adamw', opts: { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 } },
];

function makeOptimizer(c: Case, params: Tensor[]): Optimizer {
  if (c.kind === 'sgd') return new SGD(params, { ...c.opts });
  const o = { lr: c.opts.lr, betas: [c.opts.beta1!, c.opts.beta2!] as [number, number], eps: c.opts.eps, weightDecay: c.opts.weightDecay };
  return c.kind === 'adam' ? new Adam(params, o) : new AdamW(params, o);
}

function refStep(c: Case, r: RefState, g: number[], lr: number): void {
  r.t++;
  if (c.kind === 'sgd') {
    if ((c.opts.momentum ?? 0) !== 0 && !r.s.length) r.s.push(new Float64Array(r.p.length));
    sgdStepRef(r.p, g, r.s[0] ?? null, r.t === 1, { ...c.opts, lr });
  } else {
    if (!r.s.length) r.s.push(new Float64Array(r.p.length), new Float64Array(r.p.length));
    adamStepRef(r.p, g, r.s[0], r.s[1], r.t, { ...c.opts, lr, decoupled: c.kind === 'adamw' });
  }
}

describe('optimisers vs float64 reference', () => {
  for (const c of cases) {
    it(`${c.name}: ${STEPS} steps with a changing lr`, async () => {
      const rand = mulberry32(42);
      const init = SIZES.map((n) => randn(rand, n));
      const params = init.map((d, i) => Tensor.from(d, i === 0 ? [1037] : i === 1 ? [3] : [16, 16]));
      const opt = makeOptimizer(c, params);
      const refs: RefState[] = init.map((d) => ({ p: Float64Array.from(d), s: [], t: 0 }));
      const schedule = warmup(2, cosine(c.opts.lr, STEPS));
      const compiledBefore = engine().pipelines.compiled;
      for (let step = 0; step < STEPS; step++) {
        opt.lr = schedule(step);
        params.forEach((p, i) => {
          // Parameter 1 gets no gradient at step 2: it is skipped and its own step count lags.
          if (i === 1 && step === 2) return;
          const g = randn(rand, p.size, 0.5);
          p.grad = Tensor.from(g, p.shape).keep();
          refStep(c, refs[i], g, opt.lr);
        });
        opt.step();
        opt.zeroGrad();
      }
      for (const [i, p] of params.entries()) {
        const r = compare(await p.read(), refs[i].p, ATOL, RTOL);
        expect(r.ok, `param ${i}: max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
      }
      const st = await opt.state();
      for (const [i, r] of refs.entries()) {
        expect(st.slots[i]!.length).toBe(r.s.length);
        for (const [k, s] of r.s.entries()) {
          const cmp = compare(st.slots[i]![k], s, ATOL, RTOL);
          expect(cmp.ok, `state ${k} of param ${i}: ${cmp.detail}`).toBe(true);
        }
      }
      expect(st.paramSteps).toEqual([STEPS, STEPS - 1, STEPS]);
      // At most one new pipeline for the whole run: the lr lives in a uniform.
      expect(engine().pipelines.compiled - compiledBefore).toBeLessThanOrEqual(2);
      opt.disposeState();
      for (const p of params) p.dispose();
    });
  }

  it('state()/loadState() round trip continues identically', async () => {
    const rand = mulberry32(7);
    const init = randn(rand, 500);
    const grads = Array.from({ length: 5 }, () => randn(rand, 500));
    const a = Tensor.from(init, [500]);
    const optA = new AdamW([a], { lr: 0.01 });
    const run = (opt: Optimizer, p: Tensor, from: number, to: number) => {
      for (let s = from; s < to; s++) {
        p.grad = Tensor.from(grads[s], [500]).keep();
        opt.step();
        opt.zeroGrad();
      }
    };
    run(optA, a, 0, 3);
    const ckpt = await optA.state();
    const b = Tensor.from(await a.read(), [500]);
    run(optA, a, 3, 5);
    const optB = new AdamW([b], { lr: 123, weightDecay: 0.5 });
    optB.loadState(ckpt);
    expect(optB.lr).toBe(0.01);
    expect(optB.weightDecay).toBe(0.01);
    run(optB, b, 3, 5);
    expect(Array.from(await b.read())).toEqual(Array.from(await a.read()));
    expect(() => new SGD([Tensor.from([1], [1])], { lr: 1 }).loadState(ckpt)).toThrow(/adamw/);
    optA.disposeState();
    optB.disposeState();
    a.dispose();
    b.dispose();
  });

  it('Adam converges on a small quadratic', async () => {
    const rand = mulberry32(3);
    const target = randn(rand, 40, 3);
    const x = Tensor.from(new Float32Array(40), [40]);
    const t = Tensor.from(target, [40]);
    const w = Tensor.from(Array.from({ length: 40 }, (_, i) => 1 + (i % 4)), [40]); // unequal curvature
    const opt = new Adam([x], { lr: 0.1 });
    const lrAt = stepDecay(0.1, 150, 0.3);
    for (let s = 0; s < 400; s++) {
      opt.lr = lrAt(s);
      tidy(() => {
        const d = sub(x, t);
        backward(sum(mul(w, mul(d, d))));
      });
      opt.step();
      opt.zeroGrad();
      if (s % 50 === 0) await engine().sync();
    }
    const got = await x.read();
    const r = compare(got, target, 1e-2, 0);
    expect(r.ok, `max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
    opt.disposeState();
    for (const q of [x, t, w]) q.dispose();
  });
});

describe('schedules', () => {
  it('step decay, cosine, warm-up', () => {
    const s = stepDecay(1, 10, 0.5);
    expect([s(0), s(9), s(10), s(25)]).toEqual([1, 1, 0.5, 0.25]);
    const c = cosine(1, 100, 0.1);
    expect(c(0)).toBeCloseTo(1, 12);
    expect(c(50)).toBeCloseTo(0.55, 12);
    expect(c(100)).toBeCloseTo(0.1, 12);
    expect(c(200)).toBeCloseTo(0.1, 12);
    const w = warmup(4, cosine(2, 10));
    expect([w(0), w(1), w(2), w(4)]).toEqual([0, 0.5, 1, 2]);
    expect(w(9)).toBeCloseTo(1, 12);
  });
});
