/**
 * What every bench case shares: the peers, the sizes, a runner interface, timing and the cross-check.
 *
 * A case makes one `Runner` per framework on the same host inputs (ecgpu in NCHW with PyTorch weight
 * layouts, tfjs in its native NHWC with [kh, kw, ci, co] filters; inputs and weights are converted on the
 * host). `step()` runs one iteration and waits until the device has finished it; `output()` returns the
 * result in ecgpu's layout so the two can be compared element by element.
 */
import { mulberry32 } from '../../src/reference/random.js';

export type PeerName = 'tfjs-webgpu' | 'tfjs-wasm' | 'tfjs-cpu';
export type FrameworkName = 'ecgpu' | PeerName;
export const ALL_PEERS: PeerName[] = ['tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'];

/** Group of the arithmetic-ceiling rows (bench/cases/ceiling.ts); the tables rate GFLOP/s against the fastest of them. */
export const CEILING_GROUP = 'ceiling';

export type SizeName = 'full' | 'small' | 'tiny' | 'gpu' | 'web';

export interface SizeConfig {
  name: SizeName;
  /** Batch of the kernel rows (conv, pool, LRN, BN, SE). */
  batch: number;
  /** Channel multiplier of the conv layers (1 = AlexNet's 96, 256, 384, 384, 256). */
  width: number;
  /** Input side of the kernel rows' conv1 (224 = AlexNet). */
  input: number;
  gemm: number;
  /** GEMM sizes of the kernel rows (default: just `gemm`). */
  gemmKernels?: number[];
  gemmSweep: number[];
  /** Batches of the conv cost-growth sweep (conv2's geometry). */
  convSweep: number[];
  /** End-to-end: batch, input sides, FC width. */
  e2eBatch: number;
  e2eInputs: number[];
  fcWidth: number;
  /** Include the default preset's training-step rows (group `default`, always batch 16) in a plain or `--only e2e` run. */
  presetRows: boolean;
}

export const SIZES: Record<SizeName, SizeConfig> = {
  full: {
    name: 'full', batch: 16, width: 1, input: 224, gemm: 1024, gemmSweep: [128, 256, 512, 768, 1024], convSweep: [1, 2, 4, 8, 16],
    e2eBatch: 16, e2eInputs: [224, 112], fcWidth: 4096, presetRows: true,
  },
  small: {
    name: 'small', batch: 2, width: 1, input: 224, gemm: 512, gemmSweep: [128, 256, 384, 512], convSweep: [1, 2],
    e2eBatch: 2, e2eInputs: [224, 112], fcWidth: 4096, presetRows: true,
  },
  /** For a real GPU (the GPU kit, scripts/gpu-kit.sh): AlexNet's layers at batch 16, GEMM 1024³–8192³, end to end at 224². */
  gpu: {
    name: 'gpu', batch: 16, width: 1, input: 224, gemm: 1024, gemmKernels: [1024, 2048, 4096, 8192], gemmSweep: [512, 1024, 2048, 4096, 8192],
    convSweep: [1, 4, 16, 64], e2eBatch: 16, e2eInputs: [224], fcWidth: 4096,
    presetRows: false, // the kit's end-to-end rows are those with a PyTorch counterpart; `--only default` adds them
  },
  /** The demo's Bench page on a visitor's GPU: GEMM 1024³–4096³, AlexNet's layers at batch 16 @224, end to end at 224² and the default preset's step. */
  web: {
    name: 'web', batch: 16, width: 1, input: 224, gemm: 1024, gemmKernels: [1024, 2048, 4096], gemmSweep: [], convSweep: [],
    e2eBatch: 16, e2eInputs: [224], fcWidth: 4096, presetRows: true,
  },
  tiny: {
    name: 'tiny', batch: 2, width: 0.125, input: 67, gemm: 64, gemmSweep: [32, 64], convSweep: [1, 2],
    e2eBatch: 2, e2eInputs: [67], fcWidth: 64, presetRows: false, // the smoke test's size: `--only default` adds them
  },
};

/** One framework's implementation of a case. */
export interface Runner {
  /** Runs one iteration and waits for the device to finish it. */
  step(): Promise<void>;
  /** The result of the last step, in ecgpu's layout (NCHW, [co, ci, kh, kw]). */
  output(): Promise<Float32Array>;
  /** Optional second result compared too (e.g. the loss of a training step). */
  extra?(): Promise<Record<string, number>>;
  /** Peak / footprint bytes measured around one step, where the framework can tell. */
  memory?(): Promise<MemoryInfo>;
  /** Per-kernel GPU time (ecgpu's timestamp profiler) for one step. */
  profile?(): Promise<{ kernel: string; calls: number; totalMs: number }[]>;
  dispose(): void;
  /** Annotates the row (e.g. "gradient supplied by the bench"). */
  note?: string;
}

export interface MemoryInfo {
  /** Highest bytes held during a step, if known (tfjs: tf.profile's peakBytes). */
  peakBytes?: number;
  /** ecgpu: bytes held by live tensors and by the buffer pool after a step (pool = high-water mark). */
  liveBytes?: number;
  pooledBytes?: number;
}

/** A case's implementation for a framework, or the reason it has none. */
export type Maker = () => Promise<Runner | { na: string }>;

export interface BenchCase {
  /** Selection group for --only (gemm, conv, pool, lrn, bn, se, growth, e2e, default). */
  group: string;
  /** Row label. */
  name: string;
  /** Shape description for the table. */
  shape: string;
  /** Floating-point operations of one iteration (0: not meaningful). */
  flops: number;
  /** For end-to-end rows: images per iteration (for images/s). */
  images?: number;
  /** Section of the report ('kernels', 'e2e', 'growth'). */
  section: 'kernels' | 'e2e' | 'growth';
  /** Runs per measurement override (growth rows use fewer). */
  runs?: number;
  make: Partial<Record<FrameworkName, Maker>>;
}

// ---- host data ----------------------------------------------------------------------------------

/** Uniform values in [-scale, scale) from a seeded generator. */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * r() - 1);
  return a;
}

export const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Permutes a dense row-major array: out[perm-ordered index] = a[index]; `perm` as numpy.transpose. */
export function transpose(a: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const stridesByOut = perm.map((p) => inStrides[p]);
  const out = new Float32Array(a.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = a[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stridesByOut[d];
      if (idx[d] < outShape[d]) break;
      src -= stridesByOut[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export const nchwToNhwc = (a: ArrayLike<number>, s: readonly number[]) => transpose(a, s, [0, 2, 3, 1]);
/** `s` is the NHWC shape. */
export const nhwcToNchw = (a: ArrayLike<number>, s: readonly number[]) => transpose(a, s, [0, 3, 1, 2]);
/** ecgpu conv weight [co, ci, kh, kw] → tfjs filter [kh, kw, ci, co]. */
export const oihwToHwio = (a: ArrayLike<number>, s: readonly number[]) => transpose(a, s, [2, 3, 1, 0]);
/** `s` is the HWIO shape. */
export const hwioToOihw = (a: ArrayLike<number>, s: readonly number[]) => transpose(a, s, [3, 2, 0, 1]);

// ---- comparison ---------------------------------------------------------------------------------

export interface CrossCheck {
  /** max |ecgpu − peer| */
  maxAbs: number;
  /** max |ecgpu − peer| / max |peer| (relative to the output's scale, so near-zero elements do not dominate). */
  maxRel: number;
  /** Number of elements compared (0: mismatch in size). */
  n: number;
}

export function crossCheck(a: ArrayLike<number>, b: ArrayLike<number>): CrossCheck {
  if (a.length !== b.length) return { maxAbs: NaN, maxRel: NaN, n: 0 };
  let maxAbs = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates
    const m = Math.abs(b[i]);
    if (m > scale) scale = m;
  }
  return { maxAbs, maxRel: scale > 0 ? maxAbs / scale : maxAbs, n: a.length };
}

// ---- timing -------------------------------------------------------------------------------------

export interface Timing {
  /** Milliseconds of each timed run (after warm-up). */
  runs: number[];
  medianMs: number;
  minMs: number;
  /** The first (warm-up) run: includes pipeline/shader compilation. */
  warmupMs: number;
  /** True when the warm-up run alone exceeded the budget and is the only sample (includes compilation). */
  warmupOnly?: boolean;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * One warm-up run, then `runs` timed runs, fewer when a run is slow: the timed runs stop once
 * `budgetMs` is spent (at least one timed run happens, unless the warm-up run alone took longer than
 * the budget: then it is the only sample; a run that long is barely affected by compilation).
 */
export async function measure(step: () => Promise<void>, runs: number, budgetMs: number): Promise<Timing> {
  let t = performance.now();
  await step();
  const warmupMs = performance.now() - t;
  if (warmupMs > budgetMs) return { runs: [warmupMs], medianMs: warmupMs, minMs: warmupMs, warmupMs, warmupOnly: true };
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await step();
    times.push(performance.now() - t);
    if (performance.now() - start + times[times.length - 1] > budgetMs) break;
  }
  return { runs: times, medianMs: median(times), minMs: Math.min(...times), warmupMs };
}
