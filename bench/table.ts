/** The bench report: result types and the markdown tables (results.md) built from them. */
import { CEILING_GROUP, type BenchCase, type CrossCheck, type FrameworkName, type MemoryInfo, type Timing } from './cases/common.js';

export interface FrameworkResult {
  framework: FrameworkName;
  timing?: Timing;
  /** Why there is no time (the framework lacks the op, or it failed). */
  na?: string;
  error?: string;
  note?: string;
  memory?: MemoryInfo;
  extra?: Record<string, number>;
  /** Cross-check against ecgpu (peers only). */
  check?: CrossCheck;
  profile?: { kernel: string; calls: number; totalMs: number }[];
}

export interface RowResult {
  section: BenchCase['section'];
  group: string;
  name: string;
  shape: string;
  flops: number;
  images?: number;
  ecgpu?: FrameworkResult;
  peers: FrameworkResult[];
}

export interface ReportMeta {
  date: string;
  commit: string;
  adapter: string;
  cores: number;
  cpu: string;
  loadStart: number[];
  loadEnd?: number[];
  uptimeStart: string;
  uptimeEnd?: string;
  /** Node's version ('' in a browser, see `browser`). */
  node: string;
  /** The browser's user agent, when the demo's Bench page made the report. */
  browser?: string;
  tfjs: string;
  peers: Record<string, string>;
  size: string;
  runs: number;
  budgetS: number;
  command: string;
  workarounds: string[];
  totalS?: number;
  /** Set while a run is in progress (results written after each case). */
  partial?: string;
}

export interface Report {
  meta: ReportMeta;
  rows: RowResult[];
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtG = (flops: number, ms: number) => (flops > 0 ? (flops / ms / 1e6).toFixed(2) : '—');
const fmtBytes = (b?: number) => (b === undefined ? '' : b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(0)} MB`);
const fmtErr = (x: number) => (Number.isNaN(x) ? 'NaN' : x === 0 ? '0' : x.toExponential(1));

/**
 * GFLOP/s of the arithmetic ceiling measured in the same run: the fastest ecgpu row of group `ceiling`
 * (bench/cases/ceiling.ts); undefined when the run has none.
 */
export function ceilingGflops(rows: RowResult[]): number | undefined {
  const g = probeGflops(rows);
  return g.length ? Math.max(...g) : undefined;
}

/** GFLOP/s of each ecgpu row of group `ceiling` that has a time. */
const probeGflops = (rows: RowResult[]) => rows.filter((r) => r.group === CEILING_GROUP && r.flops > 0 && r.ecgpu?.timing).map((r) => r.flops / r.ecgpu!.timing!.medianMs / 1e6);

/** ecgpu's GFLOP/s on a row as a percentage of the ceiling ('' where either is missing). */
function ofCeiling(r: RowResult, ceiling?: number): string {
  const t = r.ecgpu?.timing;
  return ceiling && t && r.flops > 0 ? `${((100 * r.flops) / t.medianMs / 1e6 / ceiling).toFixed(0)}%` : '';
}

function time(r?: FrameworkResult): string {
  if (!r) return '';
  if (r.timing) return fmtMs(r.timing.medianMs) + (r.timing.warmupOnly ? '²' : r.timing.runs.length < 2 ? '¹' : '');
  return r.na ? 'n/a' : 'error';
}

/** Speed-up of ecgpu over the peer: peer time ÷ ecgpu time (> 1: ecgpu is faster). */
export function speedup(row: RowResult, peer: FrameworkResult): number | undefined {
  const e = row.ecgpu?.timing?.medianMs, p = peer.timing?.medianMs;
  return e && p ? p / e : undefined;
}

const fmtRatio = (x?: number) => (x === undefined ? '—' : x >= 10 ? `${x.toFixed(0)}×` : x >= 1 ? `${x.toFixed(2)}×` : `${x.toFixed(2)}×`);

function memory(m?: MemoryInfo): string {
  if (!m) return '';
  if (m.peakBytes !== undefined) return `peak ${fmtBytes(m.peakBytes)}`;
  if (m.liveBytes !== undefined) return `live ${fmtBytes(m.liveBytes)} + pool ${fmtBytes(m.pooledBytes)}`;
  return '';
}

function notes(row: RowResult, p: FrameworkResult): string {
  const out: string[] = [];
  const e = row.ecgpu;
  if (e?.na) out.push(`ecgpu: ${e.na}`);
  if (e?.error) out.push(`ecgpu error: ${e.error}`);
  if (p.na) out.push(p.na);
  if (p.error) out.push(`error: ${p.error}`);
  if (p.note) out.push(p.note);
  if (e?.extra?.loss !== undefined && p.extra?.loss !== undefined) out.push(`loss ${e.extra.loss.toPrecision(7)} vs ${p.extra.loss.toPrecision(7)}`);
  return out.join('; ').replace(/\|/g, '/');
}

function kernelTable(rows: RowResult[], ceiling?: number): string[] {
  const lines = [
    `| case | shape | ecgpu ms | ecgpu GFLOP/s | ${ceiling ? 'ecgpu % of ceiling | ' : ''}peer | peer ms | peer GFLOP/s | ecgpu speed-up (peer ms ÷ ecgpu ms) | max abs err | max rel err | notes |`,
    `|---|---|--:|--:|${ceiling ? '--:|' : ''}---|--:|--:|--:|--:|--:|---|`,
  ];
  for (const r of rows) {
    const peers = r.peers.length ? r.peers : [{ framework: '—' } as unknown as FrameworkResult];
    for (const p of peers) {
      const e = r.ecgpu;
      lines.push(`| ${r.name} | ${r.shape} | ${time(e)} | ${e?.timing ? fmtG(r.flops, e.timing.medianMs) : ''} | ${ceiling ? `${ofCeiling(r, ceiling)} | ` : ''}${p.framework} | ${time(p)} | ${p.timing ? fmtG(r.flops, p.timing.medianMs) : ''} | ${fmtRatio(speedup(r, p))} | ${p.check ? fmtErr(p.check.maxAbs) : ''} | ${p.check ? fmtErr(p.check.maxRel) : ''} | ${notes(r, p)} |`);
    }
  }
  return lines;
}

function e2eTable(rows: RowResult[], ceiling?: number): string[] {
  const lines = [
    `| case | shape | ecgpu ms | ecgpu img/s | ecgpu GFLOP/s | ${ceiling ? 'ecgpu % of ceiling | ' : ''}ecgpu memory | peer | peer ms | peer img/s | peer GFLOP/s | peer memory | ecgpu speed-up (peer ms ÷ ecgpu ms) | max abs err | max rel err | notes |`,
    `|---|---|--:|--:|--:|${ceiling ? '--:|' : ''}---|---|--:|--:|--:|---|--:|--:|--:|---|`,
  ];
  const ips = (r: RowResult, f?: FrameworkResult) => (f?.timing && r.images ? (r.images / (f.timing.medianMs / 1000)).toFixed(1) : '');
  for (const r of rows) {
    const e = r.ecgpu;
    for (const p of r.peers.length ? r.peers : [{ framework: '—' } as unknown as FrameworkResult]) {
      lines.push(`| ${r.name} | ${r.shape} | ${time(e)} | ${ips(r, e)} | ${e?.timing ? fmtG(r.flops, e.timing.medianMs) : ''} | ${ceiling ? `${ofCeiling(r, ceiling)} | ` : ''}${memory(e?.memory)} | ${p.framework} | ${time(p)} | ${ips(r, p)} | ${p.timing ? fmtG(r.flops, p.timing.medianMs) : ''} | ${memory(p.memory)} | ${fmtRatio(speedup(r, p))} | ${p.check ? fmtErr(p.check.maxAbs) : ''} | ${p.check ? fmtErr(p.check.maxRel) : ''} | ${notes(r, p)} |`);
    }
  }
  return lines;
}

/** Least-squares slope of log(ms) against log(flops): time ∝ work^slope (1 = linear in the work). */
export function growthExponent(points: { flops: number; ms: number }[]): number | undefined {
  const p = points.filter((q) => q.ms > 0 && q.flops > 0);
  if (p.length < 2) return undefined;
  const xs = p.map((q) => Math.log(q.flops)), ys = p.map((q) => Math.log(q.ms));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0, den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : undefined;
}

function growthTable(rows: RowResult[], title: string): string[] {
  if (!rows.length) return [];
  const frameworks = [...new Set(rows.flatMap((r) => [...(r.ecgpu ? ['ecgpu'] : []), ...r.peers.map((p) => p.framework)]))];
  const get = (r: RowResult, f: string) => (f === 'ecgpu' ? r.ecgpu : r.peers.find((p) => p.framework === f));
  const lines = [
    `**${title}** — median ms (GFLOP/s)`,
    '',
    `| case | GFLOP | ${frameworks.join(' | ')} |`,
    `|---|--:|${frameworks.map(() => '--:').join('|')}|`,
  ];
  for (const r of rows) {
    const cells = frameworks.map((f) => {
      const x = get(r, f);
      return x?.timing ? `${fmtMs(x.timing.medianMs)} (${fmtG(r.flops, x.timing.medianMs)})` : x?.na ? 'n/a' : x?.error ? 'error' : '';
    });
    lines.push(`| ${r.name} | ${(r.flops / 1e9).toFixed(3)} | ${cells.join(' | ')} |`);
  }
  const slopes = frameworks.map((f) => {
    const k = growthExponent(rows.flatMap((r) => {
      const x = get(r, f);
      return x?.timing ? [{ flops: r.flops, ms: x.timing.medianMs }] : [];
    }));
    return k === undefined ? '—' : `work^${k.toFixed(2)}`;
  });
  lines.push(`| time grows as (log-log fit) | | ${slopes.join(' | ')} |`);
  return lines;
}

function profileSection(rows: RowResult[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const prof = r.ecgpu?.profile;
    if (!prof?.length) continue;
    const total = prof.reduce((a, k) => a + k.totalMs, 0);
    out.push(`**${r.name}** (${r.shape}): GPU time ${fmtMs(total)}${total >= 10_000 ? "" : " ms"} in ${prof.reduce((a, k) => a + k.calls, 0)} dispatches (profiled step; per-dispatch passes add overhead)`, '');
    out.push('| kernel | calls | total ms | share |', '|---|--:|--:|--:|');
    for (const k of prof.slice(0, 10)) out.push(`| ${k.kernel.replace(/\|/g, '/')} | ${k.calls} | ${fmtMs(k.totalMs)} | ${((100 * k.totalMs) / total).toFixed(1)}% |`);
    out.push('');
  }
  return out;
}

/** Ratios for the summary line: geometric mean of ecgpu's speed-up per peer and section. */
export function headline(report: Report): string[] {
  const out: string[] = [];
  const ceiling = ceilingGflops(report.rows);
  if (ceiling) {
    // The slower probe row (one multiply-add per accumulator per loop iteration) is the shape of the
    // kernels' own loops: the step's share of it is given beside the share of the ceiling.
    const shortBody = Math.min(...probeGflops(report.rows));
    const steps = report.rows.filter((r) => r.section === 'e2e' && r.name.includes('train step') && r.ecgpu?.timing)
      .map((r) => `${r.name} ${ofCeiling(r, ceiling)}${shortBody < ceiling ? ` (${ofCeiling(r, shortBody)} of the 1-step-per-iteration probe's ${shortBody.toFixed(2)})` : ''}`);
    out.push(`- arithmetic ceiling (FMA-chain probe, same run): ${ceiling.toFixed(2)} GFLOP/s${steps.length ? `; training steps at ${steps.join(', ')} of it` : ''}`);
  }
  const peers = [...new Set(report.rows.flatMap((r) => r.peers.map((p) => p.framework)))];
  for (const section of ['kernels', 'e2e'] as const) {
    for (const peer of peers) {
      const rs = report.rows
        .filter((r) => r.section === section)
        .map((r) => {
          const p = r.peers.find((q) => q.framework === peer);
          return p ? speedup(r, p) : undefined;
        })
        .filter((x): x is number => x !== undefined);
      if (!rs.length) continue;
      const g = Math.exp(rs.reduce((a, x) => a + Math.log(x), 0) / rs.length);
      out.push(`- ${section === 'kernels' ? 'kernel rows' : 'end-to-end rows'} vs ${peer}: ecgpu speed-up geometric mean ${fmtRatio(g)} over ${rs.length} rows (min ${fmtRatio(Math.min(...rs))}, max ${fmtRatio(Math.max(...rs))})`);
    }
  }
  const worst = report.rows.flatMap((r) => r.peers.filter((p) => p.check && p.check.n > 0).map((p) => ({ r, p })))
    .sort((a, b) => (b.p.check!.maxRel || 0) - (a.p.check!.maxRel || 0))[0];
  if (worst) out.push(`- largest cross-check error: ${worst.r.name} vs ${worst.p.framework}: max abs ${fmtErr(worst.p.check!.maxAbs)}, max rel ${fmtErr(worst.p.check!.maxRel)}`);
  return out;
}

/** Set-up workarounds that every run uses (details in bench/README.md). */
export const SETUP_WORKAROUNDS = [
  'tfjs-webgpu in Node: `navigator.gpu` and the GPU* globals come from the npm `webgpu` package (Dawn), defined in bench/peers/gpu-globals.ts before tfjs is loaded (tfjs is imported dynamically after it).',
  'Same adapter as ecgpu: with no GPU adapter, VK_ICD_FILENAMES is pointed at SwiftShader\'s ICD before Dawn\'s instance is created (as src/engine/device.ts does).',
  'The GPU object from `create([])` is kept referenced for the whole run (Dawn segfaults if it is collected).',
  'Full `@tensorflow/tfjs` is imported (gradients); tfjs-wasm loads its .wasm files from node_modules via setWasmPaths; PROD mode on.',
  'tfjs-webgpu\'s LRN gradient is O(C²) per element and is measured as shipped.',
];

export function markdown(report: Report): string {
  const m = report.meta;
  const sect = (s: RowResult['section']) => report.rows.filter((r) => r.section === s);
  const lines = [
    '# ecgpu vs tfjs — bench results',
    '',
    `Generated by \`${m.command}\` on ${m.date}${m.totalS ? ` in ${m.totalS.toFixed(0)} s` : ''}.${m.partial ? ` **Partial: ${m.partial} done.**` : ''}`,
    '',
    `- adapter: ${m.adapter}`,
    `- machine: ${m.cores} cores (${m.cpu}), ${m.browser ? `browser ${m.browser}` : `Node ${m.node}`}, tfjs ${m.tfjs}`,
    `- git commit: ${m.commit}`,
    ...(m.uptimeStart ? [`- load (uptime) at start: \`${m.uptimeStart}\`${m.uptimeEnd ? `; at end: \`${m.uptimeEnd}\`` : ''} — the machine is shared, so times are noisy`] : []),
    `- size preset \`${m.size}\`, median of up to ${m.runs} timed runs after one warm-up run, at most ${m.budgetS} s of timed runs per cell (¹ = a single timed run; ² = the warm-up run alone exceeded the budget and is the only sample)`,
    `- peers: ${Object.entries(m.peers).map(([k, v]) => `${k} (${v})`).join('; ')}`,
    '',
    'Speed-up = peer median ms ÷ ecgpu median ms: above 1 ecgpu is faster, below 1 the peer is. Cross-check: max |ecgpu − peer| ',
    'over the whole output (forward: the output; backward: the named gradient; training step: conv1\'s weight gradient on the ',
    'initial weights), and that divided by max |peer| (relative to the output\'s scale).',
    '',
    '## Headline',
    '',
    ...headline(report),
    '',
  ];
  const k = sect('kernels');
  const ceiling = ceilingGflops(report.rows);
  if (k.length) lines.push('## Kernels', '', ...(ceiling ? [`% of ceiling: ecgpu's GFLOP/s ÷ the FMA-chain probe's ${ceiling.toFixed(2)} GFLOP/s in this run (bench/cases/ceiling.ts).`, ''] : []), ...kernelTable(k, ceiling), '');
  const e = sect('e2e');
  if (e.length) {
    lines.push('## End to end', '', 'GFLOP/s counts conv and FC multiply-adds ×2 plus BatchNorm, LRN, pooling and SE (AlexNet.flopsPerImage; a training step as 3× the forward). ecgpu memory: bytes of live tensors and of the buffer pool after a step (the pool keeps freed buffers, so live + pool is the high-water mark); tfjs: `tf.profile` peakBytes of one step.', '', ...e2eTable(e, ceiling), '');
    const prof = profileSection(e);
    if (prof.length) lines.push('### ecgpu per-kernel GPU time (timestamp queries)', '', ...prof);
  }
  const g = sect('growth');
  if (g.length) {
    lines.push('## Cost growth', '', ...growthTable(g.filter((r) => r.name.startsWith('GEMM')), 'GEMM n³'), '', ...growthTable(g.filter((r) => !r.name.startsWith('GEMM')), 'conv2 forward vs batch'), '');
  }
  lines.push('## Workarounds in effect', '', ...[...(m.browser ? [] : SETUP_WORKAROUNDS), ...m.workarounds].map((w) => `- ${w}`), '');
  return lines.join('\n');
}
