/**
 * The GPU check's parts that run in Node: the adapter, the op table (./ops.ts), the kernel and end-to-end
 * rows (the bench harness, bench/run.ts, against tfjs-webgpu on the same adapter, cross-checked as
 * `npm run bench` does) and `ecgpu compare`. Each part writes `<work>/<part>.json`; ./summary.ts merges
 * them. Bench parts write their report after every row, so a part cut short by its time box still
 * leaves the rows it finished.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { engine, init } from '../../src/engine/engine.js';
import { runBench } from '../run.js';
import type { Report } from '../table.js';
import { opsPart } from './ops.js';

export interface PartContext {
  /** The tiny size (SwiftShader, CI) instead of the GPU size. */
  tiny: boolean;
  /** Folder of the parts' JSON files. */
  work: string;
  /** Folder the results come back in (report.html, results.json of `compare`). */
  out: string;
  /** The commit the kit was built from (`git` may be absent where it runs). */
  commit?: string;
  log: (line: string) => void;
}

export const writeJson = (file: string, data: unknown) => writeFileSync(file, JSON.stringify(data, null, 1) + '\n');

export interface AdapterPart {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  adapterClass: string;
  isFallbackAdapter: boolean;
  timestamps: boolean;
  features: string[];
  limits: Record<string, number>;
  icd?: string;
  /** Vulkan libraries mapped into this process (loader, driver): proves which ones were used. */
  vulkanLibraries: string[];
  /** The Node binary that ran the check (the kit's own, where gpu-check.sh ran it). */
  node: string;
}

function vulkanLibraries(): string[] {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    return [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((p) => /libvulkan|swiftshader|nvidia/i.test(p)))].sort();
  } catch {
    return []; // not Linux
  }
}

export async function adapterPart(ctx: PartContext): Promise<AdapterPart> {
  const e = await init();
  const a = e.adapter;
  const limits: Record<string, number> = {};
  for (const k of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension'] as const) {
    limits[k] = e.limits[k] as number;
  }
  const info: AdapterPart = {
    vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, adapterClass: a.adapterClass,
    isFallbackAdapter: a.isFallbackAdapter, timestamps: e.hasTimestamps, features: [...e.device.features].sort(), limits,
    icd: process.env.VK_ICD_FILENAMES, vulkanLibraries: vulkanLibraries(), node: `${process.execPath} (${process.version})`,
  };
  ctx.log(`adapter: ${a.description || a.device} (vendor ${a.vendor}, architecture ${a.architecture}, class ${a.adapterClass}${a.isFallbackAdapter ? ', fallback' : ''})`);
  ctx.log(`features: ${info.features.join(', ') || 'none'}`);
  ctx.log(`Vulkan libraries loaded: ${info.vulkanLibraries.join(', ') || 'none seen'}`);
  if (!ctx.tiny && a.adapterClass !== 'gpu') throw new Error(`the adapter is ${a.description || a.vendor}, not a GPU: the NVIDIA Vulkan driver was not used (VK_ICD_FILENAMES=${info.icd ?? 'unset'})`);
  return info;
}

/** Kernel rows (GEMM, conv fwd/bwd) or end-to-end rows, ecgpu vs tfjs-webgpu, through the bench harness. */
export async function benchPart(ctx: PartContext, which: 'kernels' | 'e2e'): Promise<Report> {
  const file = join(ctx.work, `${which}.json`);
  const report = await runBench({
    size: ctx.tiny ? 'tiny' : 'gpu',
    peers: ['ecgpu', 'tfjs-webgpu'],
    only: which === 'kernels' ? ['gemm', 'conv'] : ['e2e'],
    // On a GPU a cell takes milliseconds: enough runs for a stable median. Tiny: one run, to stay in CI's time.
    runs: ctx.tiny ? 1 : 10,
    budgetS: ctx.tiny ? 0.5 : 3,
    webgpuTrain: true,
    // The forward rows are cheap on a GPU and show inference; on SwiftShader they would double the tiny run.
    e2eModes: ctx.tiny ? ['train'] : ['forward', 'train'],
    commit: ctx.commit,
    command: `gpu-check.sh (${which}${ctx.tiny ? ', --tiny' : ''})`,
    log: ctx.log,
    onRow: (partial) => writeJson(file, partial),
  });
  writeJson(file, report);
  return report;
}

export interface Interval { estimate?: number; lower?: number; upper?: number }

export interface ComparePart {
  preset: string;
  exitCode: number;
  seconds: number;
  /** Per model: test accuracy, macro F1, macro AUC with their 95% bootstrap intervals (from results.json). */
  models: {
    name: string; accuracy?: Interval; macroF1?: Interval; macroAuc?: Interval;
    epochs: number; trainingSeconds?: number; imagesPerSecond?: number;
  }[];
  files: string[];
}

/** Files over this do not come back from the device machine (16 MiB each): gzip them instead. */
const MAX_RETURNED_BYTES = 15 * 2 ** 20;

function copyBack(src: string, out: string, name: string): string {
  if (statSync(src).size <= MAX_RETURNED_BYTES) {
    copyFileSync(src, join(out, name));
    return name;
  }
  writeFileSync(join(out, `${name}.gz`), gzipSync(readFileSync(src), { level: 9 }));
  return `${name}.gz`;
}

/** `ecgpu compare --preset paper` (tiny: `--preset tiny`); report.html and results.json come back in `out`. */
export async function comparePart(ctx: PartContext): Promise<ComparePart> {
  const { main } = await import('../../src/cli/main.js');
  const preset = ctx.tiny ? 'tiny' : 'paper';
  const runDir = join(ctx.work, `compare-${preset}`);
  mkdirSync(runDir, { recursive: true });
  // Synthetic records are generated on first use into the cache: keep it beside the run, not in $HOME.
  process.env.ECGPU_CACHE ??= join(ctx.work, 'ecgpu-cache');
  const t0 = performance.now();
  // Tiny (CI, SwiftShader): one epoch on 3 records a class proves the command end to end, in CI's time.
  // GPU_CHECK_COMPARE_ARGS (e.g. "--epochs 5") adds options, for a rerun that must fit a shorter time box.
  const extra = (process.env.GPU_CHECK_COMPARE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = ['compare', '--preset', preset, '--out', runDir, '--no-progress', ...(ctx.tiny ? ['--epochs', '1', '--level', '3'] : []), ...extra];
  ctx.log(`ecgpu ${args.join(' ')}`);
  const exitCode = await main(args);
  const part: ComparePart = { preset, exitCode, seconds: (performance.now() - t0) / 1000, models: [], files: [] };
  const results = join(runDir, 'results.json');
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8')) as { models?: Record<string, unknown>[] };
    for (const m of r.models ?? []) part.models.push(modelSummary(m));
    part.files.push(copyBack(results, ctx.out, 'results.json'));
  }
  const html = join(runDir, 'report.html');
  if (existsSync(html)) part.files.push(copyBack(html, ctx.out, 'report.html'));
  return part;
}

/** The figures the summary shows, read defensively: results.json belongs to src/train and may grow. */
function modelSummary(m: Record<string, unknown>): ComparePart['models'][number] {
  const b = (m.bootstrap ?? {}) as Record<string, Interval | undefined>;
  const history = Array.isArray(m.history) ? (m.history as { imagesPerSecond?: number }[]) : [];
  const timings = (m.timings ?? {}) as { train?: number };
  return {
    name: String(m.name ?? '?'),
    accuracy: b.accuracy,
    macroF1: b.macroF1,
    macroAuc: b.macroAuc,
    epochs: history.length,
    trainingSeconds: timings.train,
    imagesPerSecond: history.at(-1)?.imagesPerSecond,
  };
}

/** Ends the engine a part used, so that the process exits without waiting on Dawn. */
export function endEngine(): void {
  try {
    engine().destroy();
  } catch {
    /* no engine was made */
  }
}

export { opsPart };
