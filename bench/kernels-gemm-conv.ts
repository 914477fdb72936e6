/**
 * Micro-benchmark of the GEMM and conv2d kernels: `npx tsx bench/kernels-gemm-conv.ts [runs]`.
 *
 * GEMM 1024×1024×1024 (plain and each transpose) and AlexNet conv1 (16×3×224×224, 96 filters 11×11,
 * stride 4, pad 2 → 55×55) forward, backward-data and backward-weights. For each: a warm-up run, then
 * `runs` runs (default 5); prints the median of the GPU time from the timestamp profiler (sum over the
 * kernels of one run) and of the wall-clock time until `await engine().sync()` returns, with GFLOP/s.
 * Also (ONLY=fc / ONLY=quick): AlexNet's FC GEMMs at batch 16 (M = 16) and the conv layers of the `quick`
 * preset (128 px greyscale, width 1/8, batch 16), the shapes the default demo trains.
 * Env: GEMM_VARIANT=reg|tiled forces a GEMM kernel; ONLY=gemm|conv|fc|quick runs one part.
 */
import { init, engine } from '../src/engine/engine.js';
import { Tensor } from '../src/engine/tensor.js';
import { gemm, type GemmOptions } from '../src/kernels/gemm.js';
import { conv2dBackwardData, conv2dBackwardWeights, conv2dForward } from '../src/kernels/conv2d.js';
import { mulberry32 } from '../src/reference/random.js';

const runs = Number(process.argv[2] ?? 5);
const e = await init();
const profiling = e.hasTimestamps;
if (profiling) e.setProfiling(true);
const rand = mulberry32(1);
const randomTensor = (shape: number[]) => Tensor.from(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() - 0.5), shape);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(name: string, flops: number, launch: () => Tensor): Promise<void> {
  launch().dispose();
  await engine().sync();
  if (profiling) await engine().profile();
  const wall: number[] = [], gpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    engine().resetProfile();
    const t0 = performance.now();
    launch().dispose();
    await engine().sync();
    wall.push(performance.now() - t0);
    if (profiling) gpu.push((await engine().profile()).reduce((s, k) => s + k.totalMs, 0));
  }
  const w = median(wall);
  const g = profiling ? median(gpu) : NaN;
  const gf = (ms: number) => (flops / ms / 1e6).toFixed(2);
  console.log(
    `${name.padEnd(34)} gpu ${g.toFixed(1).padStart(8)} ms ${gf(g).padStart(6)} GFLOP/s   wall ${w.toFixed(1).padStart(8)} ms ${gf(w).padStart(6)} GFLOP/s`,
  );
}

console.log(`adapter: ${e.adapter.adapterClass} (${JSON.stringify(e.adapter)}), runs ${runs}, median; timestamps: ${profiling}`);
const only = process.env.ONLY;
if (!only || only === 'gemm') {
  const n = 1024;
  const A = randomTensor([n, n]), B = randomTensor([n, n]);
  const variant = process.env.GEMM_VARIANT as GemmOptions['variant'];
  for (const [transA, transB] of [[false, false], [true, false], [false, true]]) {
    const label = `gemm 1024³${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''}`;
    await measure(label, 2 * n ** 3, () => gemm(A, B, { transA, transB, variant }));
  }
  A.dispose();
  B.dispose();
}
if (!only || only === 'fc') {
  // AlexNet FC at batch 16: forward x·Wᵀ (weights [out, in]) and the input gradient dy·W.
  for (const [inF, outF] of [[9216, 4096], [4096, 4096]]) {
    const x = randomTensor([16, inF]), w = randomTensor([outF, inF]), dy = randomTensor([16, outF]);
    const flops = 2 * 16 * inF * outF;
    await measure(`fc ${inF}→${outF} forward`, flops, () => gemm(x, w, { transB: true }));
    await measure(`fc ${inF}→${outF} backward-data`, flops, () => gemm(dy, w));
    await measure(`fc ${inF}→${outF} backward-weights`, flops, () => gemm(dy, x, { transA: true }));
    for (const t of [x, w, dy]) t.dispose();
  }
}
if (!only || only === 'quick') {
  const layers: [string, number[], number[], number, number][] = [
    ['quick conv1 1→12 11×11/4', [16, 1, 128, 128], [12, 1, 11, 11], 4, 2],
    ['quick conv2 12→32 5×5', [16, 12, 15, 15], [32, 12, 5, 5], 1, 2],
    ['quick conv3 32→48 3×3', [16, 32, 7, 7], [48, 32, 3, 3], 1, 1],
    ['quick conv4 48→48 3×3', [16, 48, 7, 7], [48, 48, 3, 3], 1, 1],
  ];
  for (const [name, xs, ws, stride, pad] of layers) {
    const geom = { stride, pad };
    const OH = Math.floor((xs[2] + 2 * pad - ws[2]) / stride) + 1;
    const x = randomTensor(xs), w = randomTensor(ws), dy = randomTensor([xs[0], ws[0], OH, OH]);
    const flops = 2 * xs[0] * ws[0] * OH * OH * ws[1] * ws[2] * ws[3];
    await measure(`${name} fwd`, flops, () => conv2dForward(x, w, undefined, geom));
    if (stride === 1) await measure(`${name} bwd-data`, flops, () => conv2dBackwardData(dy, w, x.shape, geom));
    await measure(`${name} bwd-weights`, flops, () => conv2dBackwardWeights(x, dy, w.shape, geom));
    for (const t of [x, w, dy]) t.dispose();
  }
}
if (!only || only === 'conv') {
  const x = randomTensor([16, 3, 224, 224]), w = randomTensor([96, 3, 11, 11]), b = randomTensor([96]);
  const geom = { stride: 4, pad: 2 };
  const dy = randomTensor([16, 96, 55, 55]);
  const flops = 2 * 16 * 96 * 55 * 55 * 3 * 11 * 11;
  await measure('conv1 forward (+bias)', flops, () => conv2dForward(x, w, b, geom));
  await measure('conv1 backward-data', flops, () => conv2dBackwardData(dy, w, x.shape, geom));
  await measure('conv1 backward-weights', flops, () => conv2dBackwardWeights(x, dy, w.shape, geom));
}
