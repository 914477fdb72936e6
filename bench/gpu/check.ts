/**
 * The GPU check's entry point: bundled into `.gpu-kit/check.mjs` by scripts/gpu-kit.sh, run part by part
 * (each in its own process, under its own time box) by scripts/gpu-check.sh; from source:
 *
 *   npx tsx bench/gpu/check.ts all --tiny --out DIR      every part in one process (the CI test)
 *   npx tsx bench/gpu/check.ts <part> --work W [--tiny]  one part → W/<part>.json
 *   npx tsx bench/gpu/check.ts summary --work W --out DIR  → DIR/gpu-check.md, DIR/gpu-check.json
 *
 * Parts: adapter, ops, kernels, e2e, compare (torch is bench/gpu/torch_alexnet.py, run by the script, or
 * by `all` when python3 is there). `--tiny` is the bench's tiny size and `compare --preset tiny`, for
 * SwiftShader; without it: batch 16 @224, GEMM 1024³–8192³, `compare --preset paper`.
 */
// Must come first: defines navigator.gpu and the GPU* globals that tfjs-backend-webgpu needs.
import '../peers/gpu-globals.js';
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { adapterPart, benchPart, comparePart, endEngine, opsPart, writeJson, type PartContext } from './parts.js';
import { PARTS, writeSummary, type PartName, type PartStatus } from './summary.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODE_PARTS = ['adapter', 'ops', 'kernels', 'e2e', 'compare'] as const;
type NodePart = (typeof NODE_PARTS)[number];

class UsageError extends Error {}

interface Args {
  command: string;
  work: string;
  out?: string;
  tiny: boolean;
}

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command) throw new UsageError('usage: check <all|adapter|ops|kernels|e2e|compare|summary> [--work DIR] [--out DIR] [--tiny]');
  if (![...NODE_PARTS, 'all', 'summary'].includes(command)) throw new UsageError(`unknown part '${command}' (all, ${NODE_PARTS.join(', ')}, summary)`);
  const a: Args = { command, work: '', tiny: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a folder`);
      return resolve(v);
    };
    if (flag === '--work') a.work = value();
    else if (flag === '--out') a.out = value();
    else if (flag === '--tiny') a.tiny = true;
    else throw new UsageError(`unknown option ${flag}`);
  }
  if ((command === 'all' || command === 'summary' || command === 'compare') && !a.out) throw new UsageError(`${command} needs --out DIR`);
  a.work ||= a.out ? join(a.out, '.work') : '';
  if (!a.work) throw new UsageError(`${command} needs --work DIR`);
  return a;
}

/** What the kit was built from: BUILD_INFO.json beside the bundle, or the checkout when run from source. */
export function kitInfo(): Record<string, unknown> {
  const built = join(HERE, 'BUILD_INFO.json');
  if (existsSync(built)) return JSON.parse(readFileSync(built, 'utf8')) as Record<string, unknown>;
  const root = resolve(HERE, '../..');
  const version = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  let commit = '?';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a checkout */
  }
  return { commit, built: 'source (tsx)', node: process.versions.node, webgpu: version('webgpu'), tfjs: version('@tensorflow/tfjs') };
}

/** Runs one part; its exit status: 1 when it ran but found failures (op checks, compare's own exit). */
async function runPart(part: NodePart, ctx: PartContext): Promise<number> {
  const file = join(ctx.work, `${part}.json`);
  if (part === 'adapter') writeJson(file, await adapterPart(ctx));
  else if (part === 'ops') {
    const r = await opsPart({ tiny: ctx.tiny });
    writeJson(file, r);
    ctx.log(`op table: ${r.passed} of ${r.passed + r.failed} checks passed in ${r.seconds.toFixed(1)} s`);
    for (const f of r.results.filter((x) => !x.ok)) ctx.log(`  FAILED ${f.op} ${f.kind} ${f.label}: ${f.detail}`);
    return r.failed ? 1 : 0;
  } else if (part === 'kernels' || part === 'e2e') await benchPart(ctx, part);
  else {
    const r = await comparePart(ctx);
    writeJson(file, r);
    return r.exitCode === 0 ? 0 : 1;
  }
  return 0;
}

/** The PyTorch part through python3, when there is one (`all` only; gpu-check.sh runs it itself). */
function runTorch(ctx: PartContext, budgetS: number): PartStatus {
  const script = [join(HERE, 'torch_alexnet.py'), join(HERE, '../../bench/gpu/torch_alexnet.py')].find((p) => existsSync(p));
  const t0 = performance.now();
  if (!script) return { part: 'torch', rc: 0, seconds: 0, budgetS, timedOut: false, skipped: 'torch_alexnet.py not found' };
  const r = spawnSync('python3', [script, '--out', join(ctx.work, 'torch.json'), ...(ctx.tiny ? ['--tiny'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], timeout: budgetS * 1000 });
  for (const line of `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter(Boolean)) ctx.log(line);
  const seconds = (performance.now() - t0) / 1000;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return { part: 'torch', rc: 0, seconds, budgetS, timedOut: false, skipped: 'no python3' };
  return { part: 'torch', rc: r.status ?? 124, seconds, budgetS, timedOut: r.signal === 'SIGTERM', skipped: undefined };
}

async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  mkdirSync(a.work, { recursive: true });
  if (a.out) mkdirSync(a.out, { recursive: true });
  const ctx: PartContext = { tiny: a.tiny, work: a.work, out: a.out ?? a.work, commit: String(kitInfo().commit ?? '?'), log: (l) => console.log(l) };
  if (a.command === 'summary') {
    const c = writeSummary(a.work, a.out!, kitInfo(), a.tiny);
    console.log(`wrote ${join(a.out!, 'gpu-check.md')} and gpu-check.json (${c.status.length} parts)`);
    return 0;
  }
  if (a.command !== 'all') return runPart(a.command as NodePart, ctx);
  // Everything in this process, in gpu-check.sh's order, each part's outcome recorded as the script does.
  let failed = 0;
  for (const part of PARTS) {
    const t0 = performance.now();
    let status: PartStatus;
    if (part === 'torch') status = runTorch(ctx, 120);
    else {
      let rc: number;
      try {
        rc = await runPart(part, ctx);
      } catch (e) {
        rc = 1;
        ctx.log(`gpu-check ${part}: ${(e as Error)?.message ?? e}`);
        writeFileSync(join(a.work, `error-${part}.txt`), String((e as Error)?.message ?? e));
      }
      status = { part, rc, seconds: (performance.now() - t0) / 1000, budgetS: 0, timedOut: false };
    }
    if (status.rc !== 0) failed++;
    writeJson(join(a.work, `status-${part}.json`), status);
  }
  writeSummary(a.work, a.out!, kitInfo(), a.tiny);
  console.log(`wrote ${join(a.out!, 'gpu-check.md')} and gpu-check.json`);
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      endEngine();
      process.exit(code);
    },
    (e) => {
      const part = process.argv[2] ?? '';
      console.error(e instanceof UsageError ? e.message : `gpu-check ${part}: ${(e as Error)?.message ?? e}`);
      const w = process.argv.indexOf('--work');
      if (!(e instanceof UsageError) && w > 0 && process.argv[w + 1]) {
        try {
          writeFileSync(join(resolve(process.argv[w + 1]), `error-${part}.txt`), String((e as Error)?.message ?? e));
        } catch {
          /* the work folder itself is the problem */
        }
      }
      endEngine();
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

export type { PartName };
