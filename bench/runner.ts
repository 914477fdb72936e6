/**
 * The bench loop, browser-safe: every case run on ecgpu, then on each peer, timed and cross-checked
 * against ecgpu's output, into the report that results.json holds. `npm run bench` (./run.ts) calls it
 * in Node with tfjs on Dawn; the demo's Bench page (web/demo/bench-worker.ts) calls it in a Worker with
 * the browser's own WebGPU. What differs between the two (how tfjs is loaded, the machine's
 * description, the git commit) comes in as a `BenchHost`.
 */
import { SIZES, crossCheck, measure, type BenchCase, type FrameworkName, type PeerName, type Runner, type SizeName } from './cases/common.js';
import { CEILING_GROUP, ceilingCases } from './cases/ceiling.js';
import { growthCases, kernelCases, presetConvCases } from './cases/kernels.js';
import { e2eCases, loadModels } from './cases/models.js';
import { initEcgpu } from './peers/ecgpu.js';
import { peerInfo, workarounds, type TF } from './peers/tfjs-ops.js';
import type { FrameworkResult, Report, ReportMeta, RowResult } from './table.js';

export interface BenchOptions {
  size: SizeName;
  /** Frameworks to run; 'ecgpu' is the baseline of every ratio. */
  peers: FrameworkName[];
  /** Groups: gemm, conv, pool, lrn, bn, se, e2e, default, growth, ceiling (empty: all; `e2e` includes `default`). */
  only: string[];
  runs: number;
  /** Seconds of timed runs per cell before stopping early (the warm-up run is not counted). */
  budgetS: number;
  /** Print progress lines. */
  log?: (line: string) => void;
  command?: string;
  /** Called with the report so far after each case (the CLI writes it, so a cut-short run leaves results). */
  onRow?: (partial: Report) => void;
  /** End-to-end architectures (default both). */
  archs?: ('alexnet' | 'alexnet-m-se')[];
  /** Also time tfjs-webgpu's full-width training steps (very slow on SwiftShader). */
  webgpuTrain?: boolean;
  /** End-to-end rows to make: eval-mode forward and/or training step (default both). */
  e2eModes?: ('forward' | 'train')[];
  /** The commit to report (default: `git rev-parse` of the checkout; a bundle away from git passes its own). */
  commit?: string;
  /**
   * Add the arithmetic-ceiling rows (bench/cases/ceiling.ts) before the others whenever a selected row has
   * FLOPs, so that the tables give each its share of the ceiling measured in the same run (`npm run bench`
   * does; the demo's Bench page, which compares against tfjs, does not).
   */
  ceiling?: boolean;
  /** Stops before the next case when it returns true (the Bench page's Stop button). */
  cancelled?: () => boolean;
}

/** What the place the bench runs in supplies: tfjs with its backends, and the machine's description. */
export interface BenchHost {
  tf: TF;
  /** Switches tfjs to a peer's backend (initialising it on first use); false when unavailable. */
  usePeer(tf: TF, peer: PeerName): Promise<boolean>;
  machine: Pick<ReportMeta, 'commit' | 'cores' | 'cpu' | 'loadStart' | 'uptimeStart' | 'node'> & Partial<Pick<ReportMeta, 'browser'>>;
  /** Load at the end of the run, where the host can tell. */
  end?(): Pick<ReportMeta, 'loadEnd' | 'uptimeEnd'>;
}

async function runOne(make: (() => Promise<Runner | { na: string }>) | undefined, framework: FrameworkName, runs: number, budgetS: number, section: string) {
  const res: FrameworkResult = { framework };
  let runner: Runner | undefined;
  let output: Float32Array | undefined;
  if (!make) {
    res.na = 'not implemented by this framework';
    return { res };
  }
  try {
    const made = await make();
    if ('na' in made) {
      res.na = made.na;
      return { res };
    }
    runner = made;
    res.note = runner.note;
    res.timing = await measure(() => runner!.step(), runs, budgetS * 1000);
    output = await runner.output();
    res.extra = await runner.extra?.();
    if (section === 'e2e') {
      // tfjs's peak comes from tf.profile, which runs the step once more: skip it where a step is slow.
      if (runner.memory && (framework === 'ecgpu' || res.timing.medianMs < budgetS * 250)) res.memory = await runner.memory();
      if (runner.profile) res.profile = (await runner.profile()).map(({ kernel, calls, totalMs }) => ({ kernel, calls, totalMs }));
    }
  } catch (e) {
    res.error = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
  } finally {
    try {
      runner?.dispose();
    } catch {
      /* already reported */
    }
  }
  return { res, output };
}

/** The cases a run makes: the size's kernel, end-to-end and growth rows, narrowed by `only`. */
export function selectCases(tf: TF, opts: Pick<BenchOptions, 'size' | 'only' | 'archs' | 'webgpuTrain' | 'e2eModes' | 'ceiling'>): BenchCase[] {
  const size = SIZES[opts.size];
  if (!size) throw new Error(`unknown --size ${opts.size} (${Object.keys(SIZES).join(', ')})`);
  const only = new Set(opts.only);
  const want = (c: BenchCase) => !only.size || only.has(c.group) || (only.has('kernels') && c.section === 'kernels') || (only.has('e2e') && c.section === 'e2e');
  const presetRows = size.presetRows || only.has('default');
  const chosen = [...kernelCases(tf, size), ...(presetRows ? presetConvCases(tf) : []), ...e2eCases(tf, size, opts.archs, { webgpuTrain: opts.webgpuTrain, modes: opts.e2eModes, presetRows }), ...growthCases(tf, size)].filter(want);
  // The ceiling rows come first whenever a selected row has a GFLOP/s figure to rate (or on --only ceiling).
  const rated = only.has(CEILING_GROUP) || (opts.ceiling && chosen.some((c) => c.flops > 0));
  return [...(rated ? ceilingCases(size) : []), ...chosen];
}

export async function runBenchIn(opts: BenchOptions, host: BenchHost): Promise<Report> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const { tf } = host;
  const cases = selectCases(tf, opts);
  await loadModels();
  const e = await initEcgpu();
  const peers = opts.peers.filter((p): p is PeerName => p !== 'ecgpu');
  const peerDescr: Record<string, string> = {};
  for (const p of peers) peerDescr[p] = (await host.usePeer(tf, p)) ? peerInfo(tf, p) : 'unavailable';
  const a = e.adapter;
  const meta: Report['meta'] = {
    date: new Date().toISOString(),
    ...host.machine,
    adapter: `${a.description || a.device || a.vendor} (${a.vendor} ${a.architecture}, class ${a.adapterClass}, ${a.runtime}${e.hasTimestamps ? ', timestamp queries' : ''})`,
    tfjs: tf.version.tfjs,
    peers: { ecgpu: `WGSL kernels on ${a.description || a.vendor}`, ...peerDescr },
    size: opts.size,
    runs: opts.runs,
    budgetS: opts.budgetS,
    command: opts.command ?? 'npm run bench',
    workarounds: [],
  };
  const rows: RowResult[] = [];
  const nameW = Math.max(38, ...cases.map((c) => c.name.length));
  log(`ecgpu bench: size ${opts.size}, ${cases.length} cases, frameworks ${opts.peers.join(', ')} — ${meta.adapter}`);
  for (const c of cases) {
    if (opts.cancelled?.()) {
      meta.partial = `stopped after ${rows.length} of ${cases.length} cases`;
      break;
    }
    const row: RowResult = { section: c.section, group: c.group, name: c.name, shape: c.shape, flops: c.flops, images: c.images, peers: [] };
    const runs = Math.min(opts.runs, c.runs ?? opts.runs);
    let ref: Float32Array | undefined;
    if (opts.peers.includes('ecgpu')) {
      const { res, output } = await runOne(c.make.ecgpu, 'ecgpu', runs, opts.budgetS, c.section);
      row.ecgpu = res;
      ref = output;
      log(`  ${c.name.padEnd(nameW)} ecgpu       ${res.timing ? `${res.timing.medianMs.toFixed(2)} ms` : res.na ?? `error: ${res.error}`}`);
    }
    for (const p of peers) {
      if (peerDescr[p] === 'unavailable') {
        row.peers.push({ framework: p, na: 'backend unavailable' });
        continue;
      }
      await host.usePeer(tf, p);
      const { res, output } = await runOne(c.make[p], p, runs, opts.budgetS, c.section);
      if (ref && output) res.check = crossCheck(ref, output);
      row.peers.push(res);
      const chk = res.check ? ` | max abs ${res.check.maxAbs.toExponential(1)} rel ${res.check.maxRel.toExponential(1)}` : '';
      log(`  ${''.padEnd(nameW)} ${p.padEnd(11)} ${res.timing ? `${res.timing.medianMs.toFixed(2)} ms` : res.na ?? `error: ${res.error}`}${chk}`);
    }
    rows.push(row);
    opts.onRow?.({ meta: { ...meta, workarounds: [...workarounds], partial: `${rows.length} of ${cases.length} cases` }, rows });
  }
  Object.assign(meta, host.end?.() ?? {});
  meta.workarounds = [...workarounds];
  meta.totalS = (performance.now() - t0) / 1000;
  return { meta, rows };
}
