/**
 * `npm run bench` — ecgpu against tfjs peers (webgpu, wasm, cpu) side by side, with a cross-check of
 * every result. See bench/README.md for the options, what is measured and the workarounds.
 *
 *   npm run bench -- [--size full|small|tiny] [--peers ecgpu,tfjs-webgpu,tfjs-wasm,tfjs-cpu]
 *                    [--only gemm,conv,pool,lrn,bn,se,e2e,default,growth,ecg] [--runs N] [--budget S] [--no-write]
 *
 * `--only ecg` runs the CPU-side benches of the ECG data path (benchmark.js, bench/cases/ecg.ts) and
 * needs no GPU; it is not part of the default run.
 */
// Must come first: defines navigator.gpu and the GPU* globals that tfjs-backend-webgpu needs.
import './peers/gpu-globals.js';
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_PEERS, SIZES, crossCheck, measure, type BenchCase, type FrameworkName, type PeerName, type Runner, type SizeName } from './cases/common.js';
import { growthCases, kernelCases } from './cases/kernels.js';
import { e2eCases, loadModels } from './cases/models.js';
import { ecgMarkdown, runEcgBenches } from './cases/ecg.js';
import { kernelSource } from '../src/kernels/sources.js';
import { loadTfjs, peerInfo, usePeer, workarounds, type TF } from './peers/tfjs.js';
import { engine, initEcgpu } from './peers/ecgpu.js';
import { headline, markdown, type FrameworkResult, type Report, type RowResult } from './table.js';

export interface BenchOptions {
  size: SizeName;
  /** Frameworks to run; 'ecgpu' is the baseline of every ratio. */
  peers: FrameworkName[];
  /** Groups: gemm, conv, pool, lrn, bn, se, e2e, default, growth (empty: all; `e2e` includes `default`). */
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
}

export const DEFAULTS: BenchOptions = {
  size: 'small',
  peers: ['ecgpu', 'tfjs-wasm', 'tfjs-webgpu'],
  only: [],
  runs: 5,
  budgetS: 10,
};

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function sh(cmd: string): string {
  try {
    return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '?';
  }
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

export async function runBench(opts: BenchOptions): Promise<Report> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const size = SIZES[opts.size];
  if (!size) throw new Error(`unknown --size ${opts.size} (full, small, tiny, gpu)`);
  // Other engineers edit src/ while benches run: read every kernel source and load the model modules
  // now, so that one run sees one version of the code (WGSL is otherwise read lazily, at first use).
  // (A bundle, e.g. the GPU kit's, has every source inlined and may run where src/ does not exist.)
  const kernelsDir = join(ROOT, 'src/kernels');
  if (existsSync(kernelsDir)) for (const f of readdirSync(kernelsDir)) if (f.endsWith('.wgsl')) kernelSource(f.slice(0, -5));
  await loadModels();
  const e = await initEcgpu();
  const tf: TF = await loadTfjs();
  const peers = opts.peers.filter((p): p is PeerName => p !== 'ecgpu');
  const peerDescr: Record<string, string> = {};
  for (const p of peers) {
    if (await usePeer(tf, p)) peerDescr[p] = peerInfo(tf, p);
    else peerDescr[p] = 'unavailable';
  }
  const a = e.adapter;
  const meta: Report['meta'] = {
    date: new Date().toISOString(),
    commit: opts.commit ?? `${sh('git rev-parse --short HEAD')}${sh('git status --porcelain --untracked-files=no') ? ' (tracked files modified)' : ''}`,
    adapter: `${a.description || a.device || a.vendor} (${a.vendor} ${a.architecture}, class ${a.adapterClass}, ${a.runtime}${e.hasTimestamps ? ', timestamp queries' : ''})`,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    loadStart: loadavg(),
    uptimeStart: sh('uptime'),
    node: process.versions.node,
    tfjs: tf.version.tfjs,
    peers: { ecgpu: `WGSL kernels on ${a.description || a.vendor}`, ...peerDescr },
    size: opts.size,
    runs: opts.runs,
    budgetS: opts.budgetS,
    command: opts.command ?? 'npm run bench',
    workarounds: [],
  };
  const only = new Set(opts.only);
  const want = (c: BenchCase) => !only.size || only.has(c.group) || (only.has('kernels') && c.section === 'kernels') || (only.has('e2e') && c.section === 'e2e');
  const presetRows = size.presetRows || only.has('default');
  const cases = [...kernelCases(tf, size), ...e2eCases(tf, size, opts.archs, { webgpuTrain: opts.webgpuTrain, modes: opts.e2eModes, presetRows }), ...growthCases(tf, size)].filter(want);
  const rows: RowResult[] = [];
  const nameW = Math.max(38, ...cases.map((c) => c.name.length));
  log(`ecgpu bench: size ${opts.size}, ${cases.length} cases, frameworks ${opts.peers.join(', ')} — ${meta.adapter}`);
  for (const c of cases) {
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
      await usePeer(tf, p);
      const { res, output } = await runOne(c.make[p], p, runs, opts.budgetS, c.section);
      if (ref && output) res.check = crossCheck(ref, output);
      row.peers.push(res);
      const chk = res.check ? ` | max abs ${res.check.maxAbs.toExponential(1)} rel ${res.check.maxRel.toExponential(1)}` : '';
      log(`  ${''.padEnd(nameW)} ${p.padEnd(11)} ${res.timing ? `${res.timing.medianMs.toFixed(2)} ms` : res.na ?? `error: ${res.error}`}${chk}`);
    }
    rows.push(row);
    opts.onRow?.({ meta: { ...meta, workarounds: [...workarounds], partial: `${rows.length} of ${cases.length} cases` }, rows });
  }
  meta.loadEnd = loadavg();
  meta.uptimeEnd = sh('uptime');
  meta.workarounds = [...workarounds];
  meta.totalS = (performance.now() - t0) / 1000;
  return { meta, rows };
}

function parseArgs(argv: string[]): BenchOptions & { write: boolean } {
  const o = { ...DEFAULTS, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    if (flag === '--size') o.size = val() as SizeName;
    else if (flag === '--peers') {
      const list = val().split(',').map((s) => s.trim()).filter(Boolean);
      for (const p of list) if (p !== 'ecgpu' && !ALL_PEERS.includes(p as PeerName)) throw new Error(`unknown peer ${p}`);
      o.peers = list as FrameworkName[];
    } else if (flag === '--only') o.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--runs') o.runs = Math.max(1, Number(val()));
    else if (flag === '--budget') o.budgetS = Number(val());
    else if (flag === '--no-write') o.write = false;
    else if (flag === '--webgpu-train') o.webgpuTrain = true;
    else if (flag === '--archs') o.archs = val().split(',') as BenchOptions['archs'];
    else if (flag === '--help' || flag === '-h') {
      console.log('npm run bench -- [--size full|small|tiny] [--peers ecgpu,tfjs-webgpu,tfjs-wasm,tfjs-cpu] [--only gemm,conv,pool,lrn,bn,se,e2e,default,growth,ecg] [--runs N] [--budget S] [--archs alexnet,alexnet-m-se] [--webgpu-train] [--no-write] | --render [results.json]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

async function main() {
  const r = process.argv.indexOf('--render');
  if (r > 0) {
    // Re-renders results.md from a results.json (e.g. after a change to the table layout).
    const file = process.argv[r + 1] ?? join(ROOT, 'bench/results.json');
    const md = markdown(JSON.parse(readFileSync(file, 'utf8')) as Report);
    writeFileSync(join(dirname(file), 'results.md'), md + '\n');
    console.log(md);
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  if (o.only.includes('ecg')) {
    console.log('ECG data path (CPU, benchmark.js):');
    console.log('\n' + ecgMarkdown(runEcgBenches({ maxTimeS: o.budgetS, log: (l) => console.log(l) })) + '\n');
    o.only = o.only.filter((g) => g !== 'ecg');
    if (!o.only.length) process.exit(0);
  }
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const write = (report: Report) => {
    writeFileSync(join(ROOT, 'bench/results.md'), markdown(report) + '\n');
    writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(report, null, 1) + '\n');
  };
  const report = await runBench({ ...o, command, log: (l) => console.log(l), onRow: o.write ? write : undefined });
  console.log('\n' + markdown(report));
  if (o.write) {
    write(report);
    console.log('wrote bench/results.md and bench/results.json');
  }
  console.log(headline(report).join('\n'));
  engine().destroy();
  process.exit(0);
}

// By file name rather than import.meta.url: in a bundle that imports this module (the GPU kit's
// check.mjs) every module's import.meta.url is the bundle's, which is also process.argv[1].
if (/[\\/]bench[\\/]run\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
