/**
 * `npm run bench` — ecgpu against tfjs peers (webgpu, wasm, cpu) side by side, with a cross-check of
 * every result. See bench/README.md for the options, what is measured and the workarounds.
 *
 *   npm run bench -- [--size full|small|tiny|gpu|web] [--peers ecgpu,tfjs-webgpu,tfjs-wasm,tfjs-cpu]
 *                    [--only gemm,conv,pool,lrn,bn,se,e2e,default,growth,ceiling,ecg] [--runs N] [--budget S] [--no-ceiling] [--no-write]
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
import { ALL_PEERS, type FrameworkName, type PeerName, type SizeName } from './cases/common.js';
import { loadModels } from './cases/models.js';
import { ecgMarkdown, runEcgBenches } from './cases/ecg.js';
import { kernelSource } from '../src/kernels/sources.js';
import { loadTfjs, usePeer, type TF } from './peers/tfjs.js';
import { engine } from './peers/ecgpu.js';
import { runBenchIn, type BenchOptions } from './runner.js';
import { headline, markdown, type Report } from './table.js';

export type { BenchOptions } from './runner.js';

export const DEFAULTS: BenchOptions = {
  size: 'small',
  peers: ['ecgpu', 'tfjs-wasm', 'tfjs-webgpu'],
  only: [],
  runs: 5,
  budgetS: 10,
  ceiling: true,
};

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function sh(cmd: string): string {
  try {
    return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '?';
  }
}

export async function runBench(opts: BenchOptions): Promise<Report> {
  // Other engineers edit src/ while benches run: read every kernel source and load the model modules
  // now, so that one run sees one version of the code (WGSL is otherwise read lazily, at first use).
  // (A bundle, e.g. the GPU kit's, has every source inlined and may run where src/ does not exist.)
  const kernelsDir = join(ROOT, 'src/kernels');
  if (existsSync(kernelsDir)) for (const f of readdirSync(kernelsDir)) if (f.endsWith('.wgsl')) kernelSource(f.slice(0, -5));
  await loadModels();
  const tf: TF = await loadTfjs();
  return runBenchIn(opts, {
    tf,
    usePeer,
    machine: {
      commit: opts.commit ?? `${sh('git rev-parse --short HEAD')}${sh('git status --porcelain --untracked-files=no') ? ' (tracked files modified)' : ''}`,
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? '?',
      loadStart: loadavg(),
      uptimeStart: sh('uptime'),
      node: process.versions.node,
    },
    end: () => ({ loadEnd: loadavg(), uptimeEnd: sh('uptime') }),
  });
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
    else if (flag === '--no-ceiling') o.ceiling = false;
    else if (flag === '--webgpu-train') o.webgpuTrain = true;
    else if (flag === '--archs') o.archs = val().split(',') as BenchOptions['archs'];
    else if (flag === '--help' || flag === '-h') {
      console.log('npm run bench -- [--size full|small|tiny] [--peers ecgpu,tfjs-webgpu,tfjs-wasm,tfjs-cpu] [--only gemm,conv,pool,lrn,bn,se,e2e,default,growth,ceiling,ecg] [--runs N] [--budget S] [--archs alexnet,alexnet-m-se] [--webgpu-train] [--no-ceiling] [--no-write] | --render [results.json]');
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
