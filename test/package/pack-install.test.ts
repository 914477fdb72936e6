/**
 * The package as a user installs it: `npm pack` (which builds dist/ through `prepack`), the tarball
 * installed offline into an empty project with no dev dependencies, then from that project: the ESM
 * import runs a forward pass on the adapter, the `ecgpu` CLI answers every --help, `info`, and
 * classifies a synthetic record, a consumer .ts type-checks under --strict, an esbuild browser
 * bundle of a consumer carries no Node built-ins and runs in headless Chromium (when /usr/bin/chromium exists),
 * and the custom-op example (examples/custom-op: an op with its own WGSL kernel) passes `ecgpu/testing`'s
 * checks, which also catch a wrong backward of it.
 *
 * Offline install: `npm ci` caches tarballs but not the registry's package documents, so a bare
 * `npm i --offline` cannot resolve `webgpu@^0.6.2`. The temporary project starts with a lockfile holding
 * the repository's own lock entries for the package's dependency closure (webgpu and what it needs),
 * and npm then takes those tarballs from the cache.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, openPage } from '../helpers/chromium.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const consumerDir = join(root, 'test/package/consumer');
const repoPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

let tmp: string, app: string, installed: string;
let packed: { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };
let packStarted: number;

/** Children see a clean environment: no loader options or module paths of the test runner. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ECGPU_CACHE: join(tmp, 'cache'), PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  delete e.NODE_OPTIONS;
  delete e.NODE_PATH;
  return e;
}

function sh(cmd: string, args: string[], cwd = app, timeout = 60_000) {
  const r = spawnSync(cmd, args, { cwd, env: env(), encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', text: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function mustRun(cmd: string, args: string[], cwd = app, timeout = 60_000) {
  const r = sh(cmd, args, cwd, timeout);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}:\n${r.text.slice(-3000)}`);
  return r;
}

/** The repository's lock entries for `deps` and everything they depend on, hoisted as npm placed them. */
function lockClosure(deps: string[]): Record<string, unknown> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
  const out: Record<string, unknown> = {};
  const todo = [...deps];
  while (todo.length) {
    const name = todo.pop()!;
    const key = `node_modules/${name}`;
    const entry = lock.packages[key];
    if (!entry) throw new Error(`package-lock.json has no top-level entry for ${name}`);
    if (out[key]) continue;
    out[key] = entry;
    todo.push(...Object.keys(entry.dependencies ?? {}));
  }
  return out;
}

/** The consumers' forward pass, relu(A·B) with A 2×3 and B 3×2, and its plain-TS reference. */
const A = [1, -2, 3, 4, 5, -6], B = [0.5, -1, 2, 0.25, -1.5, 3];
function expectForward(out: number[]) {
  const want: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) want.push(Math.max(0, A[i * 3] * B[j] + A[i * 3 + 1] * B[2 + j] + A[i * 3 + 2] * B[4 + j]));
  expect(out).toHaveLength(4);
  out.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
}

const cli = (...args: string[]) => sh(join(app, 'node_modules/.bin/ecgpu'), args, app, 120_000);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ecgpu-pack-'));
  app = join(tmp, 'app');
  packStarted = Date.now();
  const out = mustRun('npm', ['pack', '--json', '--pack-destination', tmp], root, 120_000).stdout;
  // prepack's build log comes first on stdout; the JSON report is the array after it.
  packed = JSON.parse(out.slice(out.search(/^\[/m)))[0];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const packages = { '': { name: 'consumer' }, ...lockClosure(Object.keys(repoPkg.dependencies)) };
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
  mustRun('npm', ['i', '--offline', '--no-audit', '--no-fund', join(tmp, packed.filename)], app, 120_000);
  installed = join(app, 'node_modules/ecgpu');
  for (const f of ['forward.mjs', 'typed.ts', 'browser.js']) copyFileSync(join(consumerDir, f), join(app, f));
  mkdirSync(join(app, 'custom-op'));
  for (const f of ['silu.mjs', 'check-silu.mjs']) copyFileSync(join(root, 'examples/custom-op', f), join(app, 'custom-op', f));
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack → install in an empty project', () => {
  it('ships the built package and nothing of the sources; only webgpu at run time', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'bin/ecgpu.mjs', 'dist/index.js', 'dist/testing.js', 'dist/cli.js', 'dist/scan-worker.js', 'dist/ecgpu.browser.js', 'dist/types/index.d.ts', 'dist/types/testing/index.d.ts', 'dist/wgsl/gemm.wgsl']));
    expect(files.filter((f) => /^(src|test|bench|web|scripts)\/|\.map$|\.ts$(?<!\.d\.ts)/.test(f))).toEqual([]);
    // prepack built dist/ for this tarball
    expect(statSync(join(root, 'dist/types/index.d.ts')).mtimeMs).toBeGreaterThanOrEqual(packStarted - 1000);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['webgpu']);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    // every file package.json points at is in the installed package
    const targets: string[] = [pkg.main, pkg.types, pkg.browser, ...Object.values<string>(pkg.bin)];
    const walk = (v: unknown): void => { if (typeof v === 'string') targets.push(v); else if (v && typeof v === 'object') Object.values(v).forEach(walk); };
    walk(pkg.exports);
    for (const t of targets.filter((t) => !t.includes('*'))) expect(existsSync(join(installed, t)), t).toBe(true);
  });

  it('import { init, … } from "ecgpu" runs a forward pass on the adapter', () => {
    const r = mustRun(process.execPath, [join(app, 'forward.mjs'), JSON.stringify([A, B])]);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(got.runtime).toBe('node-dawn');
    expectForward(got.out);
    expect(got.gemmWgslHasCompute).toBe(true);
  });

  it('the ecgpu CLI runs from dist/ without tsx: --help, info, and a synthetic record classified', () => {
    const help = cli('--help');
    expect(help.code, help.text).toBe(0);
    expect(help.stdout).toMatch(/^usage: ecgpu/);
    for (const cmd of ['compare', 'train', 'prepare', 'eval', 'predict', 'inspect', 'info']) {
      const r = cli(cmd, '--help');
      expect(r.code, `${cmd} --help: ${r.text}`).toBe(0);
      expect(r.stdout, cmd).toMatch(/usage: ecgpu/);
    }
    const info = cli('info');
    expect(info.code, info.text).toBe(0);
    expect(info.stdout).toMatch(/^adapter: /m);

    // The bundled model when the package has one; otherwise one trained here with the tiny preset.
    const bundled = join(installed, 'models/default.ecgpu');
    const run = join(tmp, 'run');
    const made = existsSync(bundled) ? cli('prepare', '--preset', 'tiny', '--out', run) : cli('train', '--preset', 'tiny', '--arch', 'alexnet', '--out', run);
    expect(made.code, made.text).toBe(0);
    const split = JSON.parse(readFileSync(join(run, 'split.json'), 'utf8')) as { root: string; test: [string, number][] };
    const record = join(split.root, split.test[0][0]);
    const model = existsSync(bundled) ? bundled : join(run, 'alexnet/model.ecgpu');
    const p = cli('predict', record, '--model', model, '--saliency', join(tmp, 'saliency.png'));
    expect(p.code, p.text).toBe(0);
    expect(p.stdout).toMatch(/12 leads, 500 Hz/);
    expect(p.stdout).toMatch(/calibrated probabilities|probability of each finding/);
    expect(p.stdout).toMatch(/^(decision.*|findings): \S/m); // a single-label model decides; the bundled multi-label one lists findings
    expect(statSync(join(tmp, 'saliency.png')).size).toBeGreaterThan(1000);

    const bad = cli('predict', join(tmp, 'no-such-record.hea'), '--model', model);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^ecgpu predict: .*no-such-record\.hea/m);
    expect(bad.stderr).not.toMatch(/^\s+at .*\.(?:m?js|ts):\d+/m); // no JavaScript stack (Dawn logs its own C++ frames)
  });

  it('examples/custom-op: an op with its own WGSL kernel passes ecgpu/testing\'s checks from the installed package', () => {
    const r = sh(process.execPath, [join(app, 'custom-op/check-silu.mjs')]);
    expect(r.code, r.text).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}silu forward \[3,5\] \{\}/m);
    expect(r.stdout).toMatch(/^ok {3}silu gradient /m);
    expect(r.stdout).toMatch(/^silu: 5 passed, 0 failed$/m);
    expect(r.stderr).toBe('');
  });

  it('ecgpu/testing, from the installed package, fails that op with a wrong backward', () => {
    writeFileSync(join(app, 'wrong-backward.mjs'), [
      "import { init } from 'ecgpu';",
      "import { checkOp, formatResults } from 'ecgpu/testing';",
      "import { siluOp } from './custom-op/silu.mjs';",
      'await init();',
      "const report = await checkOp({ ...siluOp, name: 'silu-wrong', backward: ({ grad }) => [grad] });",
      'console.log(formatResults(report.results));',
    ].join('\n'));
    const r = mustRun(process.execPath, [join(app, 'wrong-backward.mjs')]);
    expect(r.stdout).toMatch(/^FAIL silu-wrong gradient .*input 0: max abs err/m);
    expect(r.stdout).not.toMatch(/^FAIL silu-wrong forward/m);
  });

  it.each(['nodenext', 'bundler'])('a consumer .ts type-checks with tsc --strict (moduleResolution %s)', (resolution) => {
    const module = resolution === 'nodenext' ? 'nodenext' : 'esnext';
    const r = sh(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', module, '--moduleResolution', resolution, 'typed.ts']);
    expect(r.code, r.text).toBe(0);
  });

  it('an esbuild browser bundle of a consumer takes the browser build, has no node: imports and runs in Chromium', async () => {
    const r = await build({ absWorkingDir: app, entryPoints: ['browser.js'], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const js = r.outputFiles[0].text;
    expect(Object.keys(r.metafile.inputs)).toContain('node_modules/ecgpu/dist/ecgpu.browser.js');
    expect(js).not.toMatch(/\b(?:from|import)\s*\(?\s*["'](?:node:|webgpu["'])|\brequire\(\s*["']node:/);
    expect(js).toContain('@compute'); // the WGSL kernels are inlined
    if (!existsSync(CHROMIUM)) return; // the bundle checks above still ran
    const served = await openPage('<!doctype html><script type="module" src="/entry.js"></script>', js);
    try {
      await served.page.waitForFunction(() => typeof (globalThis as { ecgpuConsumerRun?: unknown }).ecgpuConsumerRun === 'function', undefined, { timeout: 30_000 });
      const got = (await served.page.evaluate(([a, b]) => (globalThis as unknown as { ecgpuConsumerRun: (a: number[], b: number[]) => Promise<unknown> }).ecgpuConsumerRun(a, b), [A, B])) as { runtime: string; out: number[] };
      expect(got.runtime, served.logs.join('\n')).toBe('browser');
      expectForward(got.out);
    } finally {
      await served.close();
    }
  });
});
