/**
 * What the op-table test cannot express for the CNN layer ops: running statistics and eval mode of
 * batch norm, determinism of dropout masks, max-pool ties, adaptive pooling shapes, AlexNet sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, compare } from '../helpers/gpu.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { backward } from '../../src/autograd/backward.js';
import {
  adaptiveAvgPool2d, batchNorm, channelScale, dropout, globalAvgPool, lrn, maxPool2d, softmax, softmaxCrossEntropy,
} from '../../src/autograd/index.js';
import { mulberry32 } from '../../src/reference/random.js';
import { host } from '../../src/reference/host-tensor.js';
import { batchNormRef } from '../../src/reference/batchnorm.js';
import { dropoutRef } from '../../src/reference/dropout.js';
import { adaptiveAvgPoolRef, maxPoolRef } from '../../src/reference/pool.js';
import { lrnRef } from '../../src/reference/lrn.js';
import { maxPoolBackward, maxPoolBackwardGather, maxPoolForward, type Pool2dGeometry } from '../../src/kernels/pool.js';

beforeAll(async () => {
  await gpu();
});

const randn = (n: number, seed: number, lo = -1, hi = 1) => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
};
const leaf = (data: number[], shape: number[]) => {
  const t = Tensor.from(data, shape).keep();
  t.requiresGrad = true;
  return t;
};
const expectClose = (got: ArrayLike<number>, want: ArrayLike<number>, atol = 1e-4, rtol = 1e-4) => {
  const r = compare(got, want, atol, rtol);
  expect(r.ok, `max abs err ${r.maxAbs.toExponential(2)} ${r.detail}`).toBe(true);
};

describe('batchNorm running statistics and eval mode', () => {
  for (const shape of [[4, 3, 5, 5], [8, 6], [2, 5, 16, 16]]) {
    it(`training updates running mean/var in place as PyTorch ${JSON.stringify(shape)}`, async () => {
      const c = shape[1], n = shape.reduce((a, b) => a * b, 1);
      const rm0 = randn(c, 1), rv0 = randn(c, 2, 0.5, 2);
      const runningMean = Tensor.from(rm0, [c]), runningVar = Tensor.from(rv0, [c]);
      const gamma = randn(c, 3, 0.5, 1.5), beta = randn(c, 4);
      let refState = { runningMean: rm0, runningVar: rv0 };
      for (let step = 0; step < 2; step++) {
        const x = randn(n, 10 + step, -3, 5);
        const y = tidy(() => batchNorm(Tensor.from(x, shape), Tensor.from(gamma, [c]), Tensor.from(beta, [c]), { runningMean, runningVar }, { training: true, momentum: 0.1, eps: 1e-5 }).keep());
        const want = batchNormRef(host(x, shape), host(gamma, [c]), host(beta, [c]), { training: true, momentum: 0.1, eps: 1e-5, state: refState });
        expectClose(await y.read(), want.data);
        refState = want.state!;
        expectClose(await runningMean.read(), refState.runningMean, 1e-5, 1e-5);
        expectClose(await runningVar.read(), refState.runningVar, 1e-5, 1e-4);
        y.dispose();
      }
      // Eval: running statistics, not the batch's; nothing updated.
      const x = randn(n, 99, -2, 2);
      const y = tidy(() => batchNorm(Tensor.from(x, shape), Tensor.from(gamma, [c]), Tensor.from(beta, [c]), { runningMean, runningVar }, { training: false }).keep());
      const want = batchNormRef(host(x, shape), host(gamma, [c]), host(beta, [c]), { training: false, momentum: 0.1, eps: 1e-5, state: refState });
      expectClose(await y.read(), want.data);
      expectClose(await runningMean.read(), refState.runningMean, 1e-5, 1e-5);
      runningMean.dispose(); runningVar.dispose(); y.dispose();
    });
  }

  it('eval backward: dx = g·gamma/sqrt(var + eps), dgamma = Σ g·x̂, dbeta = Σ g', async () => {
    const shape = [3, 2, 4, 4], c = 2, hw = 16, n = 96;
    const rm = [0.5, -1], rv = [2, 0.25], gamma = [1.5, -0.5], beta = [0.1, 0.2];
    const state = { runningMean: Tensor.from(rm, [c]), runningVar: Tensor.from(rv, [c]) };
    const xd = randn(n, 5), gd = randn(n, 6);
    const x = leaf(xd, shape), g = leaf(gamma, [c]), b = leaf(beta, [c]);
    tidy(() => backward(batchNorm(x, g, b, state, { training: false, eps: 1e-5 }), Tensor.from(gd, shape)));
    const dx = xd.map((_, i) => { const ch = Math.floor(i / hw) % c; return gd[i] * gamma[ch] / Math.sqrt(rv[ch] + 1e-5); });
    const dg = [0, 0], db = [0, 0];
    xd.forEach((v, i) => { const ch = Math.floor(i / hw) % c; dg[ch] += gd[i] * (v - rm[ch]) / Math.sqrt(rv[ch] + 1e-5); db[ch] += gd[i]; });
    expectClose(await x.grad!.read(), dx);
    expectClose(await g.grad!.read(), dg);
    expectClose(await b.grad!.read(), db);
    for (const t of [x, g, b]) { t.grad?.dispose(); t.dispose(); }
  });

  it('eval without running statistics is an error', () => {
    expect(() => tidy(() => batchNorm(Tensor.from([1, 2], [2, 1]), Tensor.from([1], [1]), Tensor.from([0], [1]), null, { training: false }))).toThrow(/running statistics/);
  });
});

describe('dropout masks', () => {
  const n = 10_000;
  const ones = Array(n).fill(1);
  const run = async (seed: number, p = 0.3) => {
    const y = tidy(() => dropout(Tensor.from(ones, [n]), { p, seed, training: true }).keep());
    const d = await y.read();
    y.dispose();
    return d;
  };
  it('same seed → same mask; other seed → another mask; the TS reference is bit-identical', async () => {
    const a = await run(1234), b = await run(1234), c = await run(1235);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const ref = dropoutRef(host(ones, [n]), { p: 0.3, seed: 1234, training: true });
    expect(Array.from(a, (v) => v !== 0)).toEqual(Array.from(ref.data, (v) => v !== 0));
    expectClose(a, ref.data, 1e-6, 1e-6);
  });
  it('drops about p of the elements and scales the rest by 1/(1 − p)', async () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const d = await run(7, p);
      const kept = d.filter((v) => v !== 0);
      expect(Math.abs(1 - kept.length / n - p)).toBeLessThan(0.02);
      expect(Math.abs(kept[0] - 1 / (1 - p))).toBeLessThan(1e-5);
    }
  });
  it('the backward applies the forward mask', async () => {
    const x = leaf(randn(500, 3), [500]);
    const seed = 99;
    const y = tidy(() => {
      const out = dropout(x, { p: 0.5, seed, training: true });
      backward(out, Tensor.from(Array(500).fill(2), [500]));
      return out.keep();
    });
    const out = await y.read(), gx = await x.grad!.read();
    expect(Array.from(gx, (v) => v === 0)).toEqual(Array.from(out, (v) => v === 0));
    expect(gx.filter((v) => v !== 0).every((v) => Math.abs(v - 4) < 1e-6)).toBe(true);
    y.dispose(); x.grad?.dispose(); x.dispose();
  });
});

describe('maxPool2d', () => {
  it('ties: the first maximum in row-major order takes the gradient, once per window', async () => {
    const shape = [1, 1, 5, 5];
    const x = leaf(Array(25).fill(1), shape);
    tidy(() => backward(maxPool2d(x, { kernel: 3, stride: 2 }), Tensor.from([1, 1, 1, 1], [1, 1, 2, 2])));
    const g = await x.grad!.read();
    const want = Array(25).fill(0);
    // Windows start at (0,0), (0,2), (2,0), (2,2): each one's first element.
    want[0] = 1; want[2] = 1; want[10] = 1; want[12] = 1;
    expect(Array.from(g)).toEqual(want);
    const ref = maxPoolRef(host(Array(25).fill(1), shape), { kernel: [3, 3], stride: [2, 2], pad: [0, 0] });
    expect(Array.from(ref.argmax)).toEqual([0, 2, 10, 12]);
    x.grad?.dispose(); x.dispose();
  });
  it('the scatter backward (one dispatch per class of windows) equals the gather backward, ties included', async () => {
    for (const [shape, geo] of [
      [[2, 3, 13, 13], { kernel: [3, 3], stride: [2, 2], pad: [0, 0] }],
      [[1, 2, 9, 11], { kernel: [3, 2], stride: [1, 2], pad: [1, 1] }],
      [[2, 2, 8, 8], { kernel: [2, 2], stride: [2, 2], pad: [0, 0] }],
    ] as [number[], Pool2dGeometry][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const d = randn(n, 17).map((v) => Math.round(3 * v)); // few distinct values: many ties
      const [a, b] = tidy(() => {
        const { out, argmax } = maxPoolForward(Tensor.from(d, shape), geo);
        const gy = Tensor.from(randn(out.size, 18), out.shape);
        return [maxPoolBackward(gy, argmax, shape, geo).keep(), maxPoolBackwardGather(gy, argmax, shape, geo).keep()];
      });
      expectClose(await a.read(), await b.read(), 1e-6, 1e-6);
      a.dispose(); b.dispose();
    }
  });
  it('padding never wins, even against negative values', async () => {
    const d = Array.from({ length: 16 }, (_, i) => -1 - i);
    const y = tidy(() => maxPool2d(Tensor.from(d, [1, 1, 4, 4]), { kernel: 3, stride: 1, pad: 1 }).keep());
    const want = maxPoolRef(host(d, [1, 1, 4, 4]), { kernel: [3, 3], stride: [1, 1], pad: [1, 1] });
    expect(Array.from(await y.read())).toEqual(Array.from(want.data));
    expect(Math.max(...want.data)).toBeLessThan(0);
    y.dispose();
  });
  it('AlexNet size 2×96×55×55 → 27×27 matches the reference exactly', async () => {
    const shape = [2, 96, 55, 55], n = shape.reduce((a, b) => a * b, 1);
    const d = randn(n, 8).map(Math.fround);
    const y = tidy(() => maxPool2d(Tensor.from(d, shape), { kernel: 3, stride: 2 }).keep());
    expect([...y.shape]).toEqual([2, 96, 27, 27]);
    expectClose(await y.read(), maxPoolRef(host(d, shape), { kernel: [3, 3], stride: [2, 2], pad: [0, 0] }).data, 0, 0);
    y.dispose();
  });
});

describe('adaptiveAvgPool2d shapes', () => {
  for (const [h, w, oh, ow] of [[13, 13, 6, 6], [6, 6, 6, 6], [55, 55, 6, 6], [7, 10, 3, 4], [2, 3, 6, 6], [9, 1, 4, 1]]) {
    it(`${h}×${w} → ${oh}×${ow}`, async () => {
      const shape = [2, 3, h, w], d = randn(shape.reduce((a, b) => a * b, 1), h * 100 + w);
      const x = leaf(d, shape);
      const gd = randn(2 * 3 * oh * ow, 5);
      const y = tidy(() => {
        const out = adaptiveAvgPool2d(x, [oh, ow]);
        backward(out, Tensor.from(gd, out.shape));
        return out.keep();
      });
      expect([...y.shape]).toEqual([2, 3, oh, ow]);
      expectClose(await y.read(), adaptiveAvgPoolRef(host(d, shape), oh, ow).data);
      // Adjoint identity: <grad_out, pool(x)> = <pool^T(grad_out), x>, for any x.
      const gx = await x.grad!.read();
      const lhs = (await y.read()).reduce((s, v, i) => s + v * gd[i], 0), rhs = gx.reduce((s, v, i) => s + v * d[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(lhs)));
      y.dispose(); x.grad?.dispose(); x.dispose();
    });
  }
});

describe('AlexNet-sized layers against the references', () => {
  it('lrn 2×96×27×27 (PyTorch constants)', async () => {
    const shape = [2, 96, 27, 27], d = randn(shape.reduce((a, b) => a * b, 1), 21, -40, 40);
    const y = tidy(() => lrn(Tensor.from(d, shape)).keep());
    expectClose(await y.read(), lrnRef(host(d, shape), { size: 5, alpha: 1e-4, beta: 0.75, k: 2 }).data);
    y.dispose();
  });
  it('globalAvgPool + channelScale on 2×96×55×55', async () => {
    const shape = [2, 96, 55, 55], hw = 55 * 55, d = randn(2 * 96 * hw, 22);
    const m = tidy(() => globalAvgPool(Tensor.from(d, shape)).keep());
    const want = Array.from({ length: 192 }, (_, p) => d.slice(p * hw, (p + 1) * hw).reduce((a, b) => a + b, 0) / hw);
    expectClose(await m.read(), want, 1e-5, 1e-4);
    const y = tidy(() => channelScale(Tensor.from(d, shape), m).keep());
    const got = await y.read();
    expect(Math.abs(got[hw * 5 + 17] - d[hw * 5 + 17] * want[5])).toBeLessThan(1e-6);
    m.dispose(); y.dispose();
  });
});

describe('softmax', () => {
  it('rows sum to 1, cross-entropy gradient is (softmax − onehot)/N', async () => {
    const n = 16, k = 9, d = randn(n * k, 31, -3, 3), labels = Array.from({ length: n }, (_, i) => (i * 5) % k);
    const p = tidy(() => softmax(Tensor.from(d, [n, k])).keep());
    const probs = await p.read();
    for (let r = 0; r < n; r++) expect(Math.abs(probs.slice(r * k, (r + 1) * k).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    const x = leaf(d, [n, k]);
    const loss = tidy(() => {
      const l = softmaxCrossEntropy(x, Tensor.from(labels, [n], 'i32'));
      backward(l);
      return l.keep();
    });
    const want = Array.from(probs, (v, i) => (v - (labels[Math.floor(i / k)] === i % k ? 1 : 0)) / n);
    expectClose(await x.grad!.read(), want, 1e-6, 1e-4);
    const l = (await loss.read())[0];
    const wantLoss = -labels.reduce((s, lab, r) => s + Math.log(probs[r * k + lab]), 0) / n;
    expect(Math.abs(l - wantLoss)).toBeLessThan(1e-4);
    p.dispose(); loss.dispose(); x.grad?.dispose(); x.dispose();
  });
});
