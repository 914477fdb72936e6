/**
 * Forward + backward GPU time of the CNN layer kernels at AlexNet's sizes, batch 16, from the engine's
 * timestamp profiler (falls back to wall clock around sync() where the adapter has no timestamps).
 *   npx tsx bench/kernels-layers.ts [iterations]
 */
import { init, engine } from '../src/engine/engine.js';
import { Tensor } from '../src/engine/tensor.js';
import { tidy } from '../src/engine/scope.js';
import { backward } from '../src/autograd/backward.js';
import { add, batchNorm, channelScale, globalAvgPool, lrn, maxPool2d, sigmoid } from '../src/autograd/index.js';
import { mulberry32 } from '../src/reference/random.js';

const iters = Number(process.argv[2] ?? 3);
await init();
const e = engine();
const rand = mulberry32(1);
const leaf = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = Tensor.from(Float32Array.from({ length: n }, () => 2 * rand() - 1), shape).keep();
  t.requiresGrad = true;
  return t;
};

interface Case { name: string; leaves: Tensor[]; run: (xs: Tensor[]) => Tensor }
const bnState = (c: number) => ({ runningMean: Tensor.from(new Float32Array(c), [c]).keep(), runningVar: Tensor.from(new Float32Array(c).fill(1), [c]).keep() });
const cases: Case[] = [];
// Yardstick for a noisy shared CPU: one element-wise kernel (add's backward launches nothing).
cases.push({ name: 'baseline: add 16×96×55×55 (1 kernel)', leaves: [leaf([16, 96, 55, 55]), leaf([16, 96, 55, 55])], run: ([a, b]) => add(a, b) });
for (const s of [[16, 96, 55, 55], [16, 256, 27, 27]]) {
  cases.push({ name: `lrn ${s.join('×')}`, leaves: [leaf(s)], run: ([x]) => lrn(x) });
}
for (const s of [[16, 96, 55, 55], [16, 256, 27, 27], [16, 256, 13, 13]]) {
  cases.push({ name: `maxPool2d 3×3/2 ${s.join('×')}`, leaves: [leaf(s)], run: ([x]) => maxPool2d(x, { kernel: 3, stride: 2 }) });
}
for (const s of [[16, 96, 55, 55], [16, 256, 27, 27], [16, 4096]]) {
  const c = s[1], st = bnState(c);
  cases.push({ name: `batchNorm train ${s.join('×')}`, leaves: [leaf(s), leaf([c]), leaf([c])], run: ([x, g, b]) => batchNorm(x, g, b, st, { training: true }) });
}
for (const s of [[16, 256, 13, 13], [16, 96, 55, 55]]) {
  // SE without its two FCs: x · sigmoid(globalAvgPool(x)).
  cases.push({ name: `SE pool+sigmoid+scale ${s.join('×')}`, leaves: [leaf(s)], run: ([x]) => channelScale(x, sigmoid(globalAvgPool(x))) });
}

const profiled = e.hasTimestamps;
if (profiled) e.setProfiling(true);
console.log(`adapter: ${e.adapter.adapterClass} ${JSON.stringify(e.adapter).slice(0, 120)}; ${profiled ? 'timestamp profiler' : 'wall clock (no timestamps)'}; ${iters} iterations`);
console.log('case'.padEnd(40), 'fwd+bwd ms', '  kernels (mean ms per iteration)');
for (const c of cases) {
  const step = () => tidy(() => {
    const out = c.run(c.leaves);
    backward(out, Tensor.from(new Float32Array(out.size).fill(1e-3), out.shape));
    for (const l of c.leaves) { l.grad?.dispose(); l.grad = undefined; }
  });
  step(); // warm-up: pipelines compiled, buffers pooled
  await e.sync();
  e.resetProfile();
  if (profiled) await e.profile(), e.resetProfile();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) step();
  await e.sync();
  const wall = (performance.now() - t0) / iters;
  if (profiled) {
    const rows = await e.profile();
    const total = rows.reduce((a, r) => a + r.totalMs, 0) / iters;
    const detail = rows.map((r) => `${r.kernel.replace(/u\d+r\d+w\d+$/, '')} ${(r.totalMs / iters).toFixed(2)}`).join(', ');
    console.log(c.name.padEnd(40), total.toFixed(2).padStart(10), ' ', detail);
  } else {
    console.log(c.name.padEnd(40), wall.toFixed(2).padStart(10));
  }
  for (const l of c.leaves) l.dispose();
}
e.destroy();
