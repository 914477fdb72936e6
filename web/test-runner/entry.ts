/**
 * Browser test runner: registers every op (src/autograd/index.ts), and exposes
 * `window.ecgpuRunKernelTests(opts)`, which initialises the engine on `navigator.gpu` and runs the
 * op-table checks (src/testing/op-check.ts: forward vs float64 reference, gradients vs finite
 * differences) and an optimiser check, returning a JSON-serialisable summary.
 * Bundled by scripts/build.mjs (`bundleBrowser`), served by test/browser/kernels-in-chromium.test.ts.
 */
import { init } from '../../src/engine/engine.js';
import type { AdapterDescription } from '../../src/engine/device.js';
import '../../src/autograd/index.js';
import { compare, runOpTable, type OpTableSummary } from '../../src/testing/op-check.js';
import { Tensor } from '../../src/engine/tensor.js';
import { AdamW, SGD } from '../../src/optim/index.js';
import { adamStepRef, sgdStepRef } from '../../src/reference/optim.js';
import { mulberry32 } from '../../src/reference/random.js';

export interface BrowserRunOptions {
  gradients?: boolean;
  /** Only ops whose name is listed (all when absent). */
  ops?: string[];
}

export interface BrowserRunResult {
  userAgent: string;
  hasNavigatorGpu: boolean;
  adapter: AdapterDescription;
  summary: OpTableSummary;
  optimizers: { name: string; ok: boolean; maxAbs: number; detail: string }[];
  ms: number;
}

/** A few SGD-with-momentum and AdamW steps against the float64 references. */
async function checkOptimizers(): Promise<BrowserRunResult['optimizers']> {
  const out: BrowserRunResult['optimizers'] = [];
  for (const name of ['sgd', 'adamw'] as const) {
    const rand = mulberry32(5);
    const n = 517;
    const init0 = Array.from({ length: n }, () => 2 * rand() - 1);
    const p = Tensor.from(init0, [n]);
    const ref = Float64Array.from(init0), s1 = new Float64Array(n), s2 = new Float64Array(n);
    const opt = name === 'sgd' ? new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }) : new AdamW([p], { lr: 0.01 });
    for (let t = 1; t <= 4; t++) {
      const g = Array.from({ length: n }, () => rand() - 0.5);
      opt.lr *= 0.9;
      p.grad = Tensor.from(g, [n]).keep();
      opt.step();
      opt.zeroGrad();
      if (name === 'sgd') sgdStepRef(ref, g, s1, t === 1, { lr: opt.lr, momentum: 0.9, weightDecay: 0.01 });
      else adamStepRef(ref, g, s1, s2, t, { lr: opt.lr, weightDecay: 0.01, decoupled: true });
    }
    const r = compare(await p.read(), ref, 2e-6, 2e-5);
    out.push({ name, ok: r.ok, maxAbs: r.maxAbs, detail: r.detail });
    opt.disposeState();
    p.dispose();
  }
  return out;
}

async function run(opts: BrowserRunOptions = {}): Promise<BrowserRunResult> {
  const t0 = performance.now();
  const hasNavigatorGpu = Boolean((navigator as Navigator & { gpu?: unknown }).gpu);
  const e = await init();
  const only = opts.ops ? (n: string) => opts.ops!.includes(n) : undefined;
  const summary = await runOpTable({ gradients: opts.gradients ?? true, only });
  const optimizers = await checkOptimizers();
  return { userAgent: navigator.userAgent, hasNavigatorGpu, adapter: e.adapter, summary, optimizers, ms: performance.now() - t0 };
}

(globalThis as unknown as { ecgpuRunKernelTests: typeof run }).ecgpuRunKernelTests = run;
document.title = 'ecgpu kernel tests: ready';
