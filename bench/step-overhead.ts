/**
 * CPU-side cost of recording a training step, A/B in one process: a tiny-preset AlexNet-M-SE
 * (64×64 greyscale, width 1/8, FC 32, batch 8, Adam) trained with this checkout's src/ and, with
 * `--base DIR`, with another checkout's src/ (e.g. `git archive main | tar -x -C DIR`, node_modules
 * linked), each on its own device. Steps alternate between the two so both see the same machine load.
 *
 *   npx tsx bench/step-overhead.ts [--base DIR] [--base-first] [--steps 30]
 *
 * Per step: `record` = JS time to record forward, loss, backward and the optimiser step (every dispatch
 * is checked and packed here); `wall` = record + submit + wait; `gpu` = Σ kernel time from timestamp
 * queries (a separate profiled step). Medians over the timed steps. Also: what checking and packing
 * one dispatch against its contract costs on its own (gemm_vec4's 8 uniform fields, 4 bindings, 7 constants).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getPreset } from '../src/train/presets.js';
import { EntryPlan } from '../src/engine/contract.js';
import { contracts } from '../src/kernels/contracts.generated.js';

interface Side {
  label: string;
  step(): Promise<{ recordMs: number; wallMs: number }>;
  gpuMs(): Promise<number>;
  dispatches: number;
}

async function side(root: string, label: string): Promise<Side> {
  const load = async <T>(p: string): Promise<T> => (await import(pathToFileURL(resolve(root, p)).href)) as T;
  type M = typeof import('../src/engine/engine.js') & typeof import('../src/engine/tensor.js') & typeof import('../src/engine/scope.js');
  const m = { ...(await load<M>('src/engine/engine.js')), ...(await load<M>('src/engine/tensor.js')), ...(await load<M>('src/engine/scope.js')) };
  const ag = await load<typeof import('../src/autograd/index.js')>('src/autograd/index.js');
  const optim = await load<typeof import('../src/optim/index.js')>('src/optim/index.js');
  const models = await load<typeof import('../src/models/alexnet.js')>('src/models/alexnet.js');
  const e = await m.Engine.create();
  m.setEngine(e);
  const p = getPreset('tiny');
  const batch = p.train.batchSize;
  const model = models.createModel({ ...p.model, architecture: 'alexnet-m-se', seed: 1 });
  model.train();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const n = batch * p.model.inChannels * p.model.inputSize ** 2;
  const x = m.Tensor.from(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)), [batch, p.model.inChannels, p.model.inputSize, p.model.inputSize]).keep();
  const labels = m.Tensor.from(Array.from({ length: batch }, (_, i) => i % p.model.numClasses), [batch], 'i32').keep();
  const record = () =>
    m.tidy(() => {
      ag.backward(ag.softmaxCrossEntropy(model.forward(x), labels));
      opt.step();
      opt.zeroGrad();
    });
  const s: Side = {
    label,
    dispatches: 0,
    async step() {
      m.setEngine(e);
      const before = e.dispatches;
      const t0 = performance.now();
      record();
      const t1 = performance.now();
      await e.sync();
      s.dispatches = e.dispatches - before;
      return { recordMs: t1 - t0, wallMs: performance.now() - t0 };
    },
    async gpuMs() {
      m.setEngine(e);
      if (!e.hasTimestamps) return NaN;
      e.setProfiling(true);
      e.resetProfile();
      record();
      const t = (await e.profile()).reduce((a, k) => a + k.totalMs, 0);
      e.setProfiling(false);
      return t;
    },
  };
  return s;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** µs per dispatch spent in EntryPlan's checks and packing, on a gemm_vec4 dispatch (median of 5 × 20k). */
function contractCostUs(): number {
  const plan = new EntryPlan('gemm', 'gemm_vec4', contracts.gemm.entries.gemm_vec4, contracts.gemm);
  const buffer = {} as GPUBuffer;
  const t = { buffer };
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      plan.checkConstants({ TRANS_A: false, TRANS_B: i % 2 === 0, ACCUM: false, BIAS: 1, RELU: true, WGX: 8, WGY: 4 });
      const entries: GPUBindGroupEntry[] = [];
      plan.storageEntries({ A4: t, B4: t, bias: buffer, C4: t }, entries);
      plan.packUniform({ M: 16, N: i, K: 64, strideA: 0, strideB: 0, strideC: 16 * i, alpha: 1, beta: 0 });
    }
    runs.push(((performance.now() - t0) * 1000) / 20_000);
  }
  return median(runs);
}

async function main() {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const steps = Number(arg('--steps') ?? 30);
  if (!(steps >= 1)) throw new Error(`--steps must be a positive number, got ${arg('--steps')}`);
  const base = arg('--base');
  const sides = [await side(resolve(import.meta.dirname, '..'), 'this checkout')];
  if (base) sides.push(await side(resolve(base), `base (${base})`));
  // The side set up first also runs first on even steps: --base-first swaps, to see any order bias.
  if (process.argv.includes('--base-first')) sides.reverse();
  for (const s of sides) for (let i = 0; i < 3; i++) await s.step(); // warm-up: pipelines, pool, waiter
  const times = sides.map(() => ({ record: [] as number[], wall: [] as number[], gpu: [] as number[] }));
  for (let i = 0; i < steps; i++) {
    for (const [k, s] of (i % 2 ? [...sides.entries()].reverse() : [...sides.entries()])) {
      const t = await s.step();
      times[k].record.push(t.recordMs);
      times[k].wall.push(t.wallMs);
    }
  }
  for (let i = 0; i < 5; i++) for (const [k, s] of sides.entries()) times[k].gpu.push(await s.gpuMs());
  console.log(`tiny-preset AlexNet-M-SE training step, batch 8, ${steps} timed steps per side (alternating), medians:`);
  for (const [k, s] of sides.entries()) {
    const t = times[k];
    console.log(`  ${s.label.padEnd(34)} record ${median(t.record).toFixed(2)} ms  wall ${median(t.wall).toFixed(1)} ms  gpu ${median(t.gpu).toFixed(1)} ms  (${s.dispatches} dispatches)`);
  }
  console.log(`  contract check + uniform packing: ${contractCostUs().toFixed(2)} µs per dispatch (gemm_vec4, this checkout)`);
  process.exit(0);
}

main().catch((e) => {
  console.error(`step-overhead: ${(e as Error).message}`);
  process.exit(1);
});
