#!/usr/bin/env node
// The `ecgpu` command. Runs the built CLI, dist/cli.js (what the npm package ships). In a repository
// checkout with no build it runs the TypeScript sources through tsx, a dev dependency, when that is installed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli.js');
const sources = join(root, 'src');

/** The newest modification time under `dir` (a checkout's src/; the package ships none). */
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function tsxAvailable() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

let mod;
if (existsSync(built)) {
  if (existsSync(sources) && newestMtime(sources) > statSync(built).mtimeMs) {
    console.error('ecgpu: warning: dist/cli.js is older than src/; run `npm run build` to use your changes');
  }
  mod = await import(pathToFileURL(built).href);
} else if (existsSync(join(sources, 'cli', 'main.ts')) && tsxAvailable()) {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(pathToFileURL(join(sources, 'cli', 'main.ts')).href);
} else {
  console.error(`ecgpu: ${built} is missing; run \`npm run build\` in ${root}`);
  process.exit(1);
}
const code = await mod.main(process.argv.slice(2));
process.exit(code);
