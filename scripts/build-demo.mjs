/**
 * Builds the browser demo (web/demo) into a static folder any static host can serve:
 *   app.js, train-worker.js   the page and its training worker (browser bundles, WGSL inlined)
 *   bench-worker.js           the Bench page's worker: the bench with tfjs (only that page loads it)
 *   adapt-worker.js           the Adapt page's worker: reads a folder of records, fine-tunes the bundled model
 *   index.html, style.css     copied
 *   default.ecgpu             models/default.ecgpu (Classifier.load() looks for it next to app.js)
 *   samples/                  the ten bundled synthetic records (npm run demo:samples)
 * Nothing is fetched from another origin at run time.
 *
 *   node scripts/build-demo.mjs [outdir]      (npm run build writes dist/demo; npm run demo serves it)
 */
import { context } from 'esbuild';
import { execSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'web', 'demo');

/**
 * esbuild options for the two bundles into `outdir`. build.mjs passes its `browserOptions` (importing
 * build.mjs from here while its own top-level build is running would wait on it forever).
 */
export async function demoOptions(outdir, { minify = false, browserOptions } = {}) {
  const options = browserOptions ?? (await import('./build.mjs')).browserOptions;
  const o = options(join(demo, 'app.ts'), join(outdir, 'app.js'), { minify, sourcemap: true });
  delete o.outfile;
  return {
    ...o, outdir,
    entryPoints: { app: join(demo, 'app.ts'), 'train-worker': join(demo, 'train-worker.ts'), 'bench-worker': join(demo, 'bench-worker.ts'), 'adapt-worker': join(demo, 'adapt-worker.ts') },
    define: { ...o.define, ECGPU_BUILD_COMMIT: JSON.stringify(buildCommit()) },
  };
}

/** The commit the demo is built from, for the Bench page's reports ('?' away from git). */
function buildCommit() {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return `${head}${dirty ? ' (tracked files modified)' : ''}`;
  } catch {
    return '?';
  }
}

/** Copies the static files (page, style, model, samples) into `outdir`. */
export function copyDemoAssets(outdir) {
  mkdirSync(outdir, { recursive: true });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(demo, f), join(outdir, f));
  const model = join(root, 'models', 'default.ecgpu');
  if (!existsSync(model)) throw new Error('models/default.ecgpu is missing (npm run train:default-model)');
  copyFileSync(model, join(outdir, 'default.ecgpu'));
  cpSync(join(demo, 'samples'), join(outdir, 'samples'), { recursive: true });
}

export async function buildDemo({ outdir = join(root, 'dist', 'demo'), minify = false, browserOptions } = {}) {
  copyDemoAssets(outdir);
  const ctx = await context(await demoOptions(outdir, { minify, browserOptions }));
  try {
    await ctx.rebuild();
  } finally {
    await ctx.dispose();
  }
  return outdir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = await buildDemo({ outdir: resolve(process.argv[2] ?? join(root, 'dist', 'demo')) });
  console.log(`built the demo into ${out}`);
}
