/**
 * Merges the GPU check's parts (`<work>/*.json`, written by ./parts.ts, the PyTorch script and
 * gpu-check.sh's per-part status files) into `<out>/gpu-check.json` and `<out>/gpu-check.md`. A part
 * that is missing, failed or ran out of its time box is reported as such, never left out.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headline, markdown, type Report, type RowResult } from '../table.js';
import type { AdapterPart, ComparePart, Interval } from './parts.js';
import type { OpsPart } from './ops.js';

export const PARTS = ['adapter', 'ops', 'kernels', 'e2e', 'torch', 'compare'] as const;
export type PartName = (typeof PARTS)[number];

export interface PartStatus {
  part: PartName;
  /** Exit status of the part's process (124/137: killed by its time box). */
  rc: number;
  seconds: number;
  budgetS: number;
  timedOut: boolean;
  skipped?: string;
  /** The part's one-line error (error-<part>.txt), when it failed with one. */
  error?: string;
}

interface TorchRow {
  arch: string; kind: string; tf32: boolean; batch: number; input: number;
  medianMs: number; eventMedianMs: number; runs: number; imagesPerSecond: number; gflops: number; peakBytes: number;
}
interface TorchPart {
  status: 'ok' | 'unavailable';
  reason?: string;
  torch?: string;
  device?: string;
  cuda?: string;
  rows: TorchRow[];
  /** The bench's kernel rows in PyTorch, named as the bench names them. */
  kernels?: { name: string; tf32: boolean; medianMs: number; gflops: number }[];
  /** Device-to-device copy: GB/s counting bytes read and written. */
  copy?: { gbPerS: number };
  checks: Record<string, { lossAbsErr: number; conv1GradMaxRel: number }>;
}

export interface GpuCheck {
  kit: Record<string, unknown>;
  date: string;
  tiny: boolean;
  driver?: string;
  status: PartStatus[];
  adapter?: AdapterPart;
  ops?: OpsPart;
  kernels?: Report;
  e2e?: Report;
  torch?: TorchPart;
  compare?: ComparePart;
}

const read = <T>(file: string): T | undefined => {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined; // cut off mid-write by the time box: reported as missing
  }
};

export function collect(work: string, kit: Record<string, unknown>, tiny: boolean): GpuCheck {
  const status = PARTS.map((p) => read<PartStatus>(join(work, `status-${p}.json`))).filter((s): s is PartStatus => Boolean(s));
  for (const s of status) {
    const err = join(work, `error-${s.part}.txt`);
    if (existsSync(err)) s.error = readFileSync(err, 'utf8').trim().split('\n')[0].slice(0, 300);
  }
  const torch = read<TorchPart>(join(work, 'torch.json'));
  const torchStatus = status.find((s) => s.part === 'torch');
  if (torchStatus && torchStatus.rc === 0 && torch?.status === 'unavailable') torchStatus.skipped = torch.reason;
  const driver = existsSync(join(work, 'driver.txt')) ? readFileSync(join(work, 'driver.txt'), 'utf8').trim() : undefined;
  return {
    kit, date: new Date().toISOString(), tiny, driver, status,
    adapter: read(join(work, 'adapter.json')),
    ops: read(join(work, 'ops.json')),
    kernels: read(join(work, 'kernels.json')),
    e2e: read(join(work, 'e2e.json')),
    torch,
    compare: read(join(work, 'compare.json')),
  };
}

const f2 = (x?: number) => (x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const gb = (b?: number) => (b === undefined ? '—' : b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);
/** NaN comes back from JSON as null. */
const fe = (x?: number | null) => (typeof x === 'number' && Number.isFinite(x) ? x.toExponential(2) : 'NaN');
const ci = (x?: Interval) => (x?.estimate === undefined ? '—' : `${x.estimate.toFixed(3)} [${x.lower?.toFixed(3)}, ${x.upper?.toFixed(3)}]`);

function statusLine(s: PartStatus): string {
  const state = s.skipped ? `skipped (${s.skipped})` : s.timedOut ? `**stopped by its time box** (${s.budgetS} s)` : s.rc === 0 ? 'done' : `**failed** (exit ${s.rc}${s.error ? `: ${s.error.replace(/\|/g, '\\|')}` : ''})`;
  return `| ${s.part} | ${state} | ${s.seconds.toFixed(0)} s | ${s.budgetS ? `${s.budgetS} s` : '—'} |`;
}

/** ecgpu / tfjs-webgpu / PyTorch side by side for each end-to-end row (ms, img/s, GFLOP/s, memory). */
function threeWay(e2e: Report | undefined, torch: TorchPart | undefined): string[] {
  const lines = ['| network | ecgpu ms | img/s | GFLOP/s | memory | tfjs-webgpu ms | img/s | PyTorch ms (TF32 off) | img/s | GFLOP/s | peak | PyTorch ms (TF32 on) | ecgpu ÷ PyTorch (off) |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'];
  const rows: RowResult[] = e2e?.rows ?? [];
  for (const r of rows) {
    const e = r.ecgpu?.timing?.medianMs;
    const peer = r.peers.find((p) => p.framework === 'tfjs-webgpu');
    const t = peer?.timing?.medianMs;
    const arch = r.name.startsWith('AlexNet-M-SE') ? 'alexnet-m-se' : 'alexnet';
    const kind = r.name.includes('train step') ? 'train step' : 'forward';
    const tr = (tf32: boolean) => torch?.rows.find((x) => x.arch === arch && x.kind === kind && x.tf32 === tf32);
    const off = tr(false), on = tr(true);
    const imgs = (ms?: number) => (ms && r.images ? f2((r.images / ms) * 1e3) : '—');
    const mem = r.ecgpu?.memory ? gb((r.ecgpu.memory.liveBytes ?? 0) + (r.ecgpu.memory.pooledBytes ?? 0)) : '—';
    lines.push(`| ${r.name} | ${f2(e)} | ${imgs(e)} | ${e ? f2(r.flops / e / 1e6) : '—'} | ${mem} | ${peer?.timing ? f2(t) : peer?.na ?? peer?.error ?? '—'} | ${imgs(t)} | ` +
      `${f2(off?.medianMs)} | ${f2(off?.imagesPerSecond)} | ${f2(off?.gflops)} | ${gb(off?.peakBytes)} | ${f2(on?.medianMs)} | ${e && off ? `${f2(e / off.medianMs)}×` : '—'} |`);
  }
  return lines;
}

function header(c: GpuCheck): string[] {
  const a = c.adapter;
  const L = [`- date: ${c.date}; kit built from commit ${String(c.kit.commit ?? '?')} on ${String(c.kit.built ?? '?')}; size: ${c.tiny ? 'tiny (SwiftShader smoke run, not GPU figures)' : 'full (batch 16 @224, GEMM 1024³–8192³)'}`];
  L.push(`- adapter: ${a ? `${a.description || a.device} (vendor ${a.vendor}, architecture ${a.architecture}, class ${a.adapterClass}${a.timestamps ? ', timestamp queries' : ''})` : 'not found'}`);
  if (a) L.push(`- features: ${a.features.join(', ') || 'none'}; max storage binding ${(a.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB, workgroup storage ${a.limits.maxComputeWorkgroupStorageSize} B`);
  if (a) L.push(`- Vulkan: ICD ${a.icd ?? 'default'}; libraries loaded: ${a.vulkanLibraries?.join(', ') || '?'}`);
  if (c.driver) L.push(`- driver (nvidia-smi): ${c.driver}`);
  L.push(`- Node ${String(c.kit.node ?? process.versions.node)}, Dawn (npm webgpu ${String(c.kit.webgpu ?? '?')}), tfjs ${String(c.kit.tfjs ?? '?')}${c.torch?.torch ? `, PyTorch ${c.torch.torch} (CUDA ${c.torch.cuda})` : ''}`);
  L.push('', '| part | result | took | time box |', '|---|---|--:|--:|', ...c.status.map(statusLine), '');
  return L;
}

function opsSection(c: GpuCheck, failures: boolean): string[] {
  if (!c.ops) return ['op table: no result'];
  const L = [`op table: ${c.ops.passed} of ${c.ops.passed + c.ops.failed} checks passed (${c.ops.ops.length} ops incl. GEMM variants ${c.ops.ops.filter((o) => o.startsWith('gemm:')).join(', ')}; forward vs float64 reference, backward vs finite differences) in ${c.ops.seconds.toFixed(1)} s.`];
  const bad = c.ops.results.filter((r) => !r.ok);
  if (bad.length && failures) L.push('', '| op | check | case | max abs err | detail |', '|---|---|---|--:|---|', ...bad.map((r) => `| ${r.op} | ${r.kind} | ${r.label} | ${fe(r.maxAbs)} | ${r.detail.replace(/\|/g, '\\|').slice(0, 160)} |`));
  else if (bad.length) L.push(`failed: ${bad.map((r) => `${r.op} ${r.kind} ${r.label}`).join('; ').slice(0, 600)}`);
  return L;
}

function torchSection(c: GpuCheck): string[] {
  const L: string[] = [];
  if (c.torch?.status !== 'ok') L.push(`PyTorch: ${c.torch?.reason ?? 'no result'}`, '');
  else {
    const chk = Object.entries(c.torch.checks).map(([k, v]) => `${k}: loss |Δ| ${fe(v.lossAbsErr)}, conv1 grad max rel ${fe(v.conv1GradMaxRel)}`).join('; ');
    L.push(`PyTorch on ${c.torch.device}; fp32 vs float64 CPU on 2 images — ${chk}.`, '');
  }
  return [...L, ...threeWay(c.e2e, c.torch), ''];
}

function compareSection(c: GpuCheck): string[] {
  const cmp = c.compare;
  if (!cmp) return ['compare: no result (see gpu-check.log for how far it got)'];
  return [
    `preset ${cmp.preset}, exit ${cmp.exitCode}, ${cmp.seconds.toFixed(0)} s; files: ${cmp.files.join(', ') || 'none'}`, '',
    '| model | test accuracy (95% CI) | macro F1 | macro AUC | epochs | training s | img/s (last epoch) |', '|---|---|---|---|--:|--:|--:|',
    ...cmp.models.map((m) => `| ${m.name} | ${ci(m.accuracy)} | ${ci(m.macroF1)} | ${ci(m.macroAuc)} | ${m.epochs} | ${f2(m.trainingSeconds)} | ${f2(m.imagesPerSecond)} |`),
  ];
}

export function summaryMarkdown(c: GpuCheck): string {
  const L: string[] = ['# ecgpu GPU check', '', ...header(c)];
  L.push('## 1. Op table on this adapter', '', ...opsSection(c, true));
  L.push('', '## 2–3. Kernels and end to end, ecgpu vs tfjs-webgpu (same adapter)', '');
  for (const r of [c.kernels, c.e2e]) if (r) L.push(markdown(r).replace(/^# .*\n/, ''), '');
  L.push('### Kernels, three frameworks', '', ...kernelLines(c.kernels, c.torch), '');
  L.push('### End to end, three frameworks', '', ...torchSection(c));
  L.push('## 4. `ecgpu compare`', '', ...compareSection(c));
  return L.join('\n') + '\n';
}

/** One line per kernel row: the figures a reader of the device call's output tail needs first. */
function kernelLines(r: Report | undefined, torch?: TorchPart): string[] {
  if (!r) return ['kernels: no result'];
  const L = ['| kernel | ecgpu ms | GFLOP/s | tfjs-webgpu ms | GFLOP/s | speed-up | max rel err | PyTorch GFLOP/s (TF32 off / on) |', '|---|--:|--:|--:|--:|--:|--:|--:|'];
  if (torch?.copy) L.unshift(`device-to-device copy (PyTorch): ${f2(torch.copy.gbPerS)} GB/s read + write`, '');
  for (const row of r.rows) {
    const e = row.ecgpu?.timing?.medianMs;
    const p = row.peers.find((x) => x.framework === 'tfjs-webgpu');
    const t = p?.timing?.medianMs;
    const g = (ms?: number) => (ms && row.flops ? f2(row.flops / ms / 1e6) : '—');
    const pt = (tf32: boolean) => f2(torch?.kernels?.find((k) => k.name === row.name && k.tf32 === tf32)?.gflops);
    L.push(`| ${row.name} | ${e ? f2(e) : row.ecgpu?.error ?? row.ecgpu?.na ?? '—'} | ${g(e)} | ${t ? f2(t) : p?.error ?? p?.na ?? '—'} | ${g(t)} | ${e && t ? `${f2(t / e)}×` : '—'} | ${fe(p?.check?.maxRel)} | ${pt(false)} / ${pt(true)} |`);
  }
  return L;
}

/** The few lines printed at the end of gpu-check.sh (the device call returns only its output's tail). */
export function shortSummary(c: GpuCheck): string {
  const L = ['== ecgpu GPU check ==', ...header(c), ...opsSection(c, false), ''];
  for (const r of [c.kernels, c.e2e]) if (r) L.push(...headline(r));
  L.push('', ...kernelLines(c.kernels, c.torch), '', ...torchSection(c), ...compareSection(c));
  return L.join('\n') + '\n';
}

export function writeSummary(work: string, out: string, kit: Record<string, unknown>, tiny: boolean): GpuCheck {
  const c = collect(work, kit, tiny);
  writeFileSync(join(out, 'gpu-check.json'), JSON.stringify(c, null, 1) + '\n');
  writeFileSync(join(out, 'gpu-check.md'), summaryMarkdown(c));
  writeFileSync(join(work, 'short.md'), shortSummary(c));
  return c;
}
