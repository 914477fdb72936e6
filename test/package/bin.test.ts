/**
 * bin/ecgpu.mjs chooses what to run: the built dist/cli.js (warning when a checkout's src/ is newer),
 * else the TypeScript sources through tsx when tsx is installed, else one line saying to build. Each case
 * runs a copy of the real bin in a temporary folder laid out as a package or a checkout; the CLI there is
 * a one-line module with the contract bin relies on (`main(argv)` resolving to the exit code).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const MAIN = `export async function main(argv) { console.log('main ' + argv.join(' ')); return 7; }\n`;

function layout(files: Record<string, string>, withNodeModules = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecgpu-bin-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin/ecgpu.mjs'), join(dir, 'bin/ecgpu.mjs'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (withNodeModules) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const run = (dir: string) => {
  const r = spawnSync(process.execPath, [join(dir, 'bin/ecgpu.mjs'), 'a', 'b'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

it('runs dist/cli.js with the arguments and exits with its code (installed package: no src/)', () => {
  const r = run(layout({ 'dist/cli.js': MAIN }));
  expect(r).toEqual({ code: 7, stdout: 'main a b\n', stderr: '' });
});

it('warns in a checkout whose src/ is newer than dist/cli.js, and still runs it', () => {
  const dir = layout({ 'dist/cli.js': MAIN, 'src/cli/main.ts': MAIN });
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'dist/cli.js'), old, old);
  const r = run(dir);
  expect(r.code).toBe(7);
  expect(r.stdout).toBe('main a b\n');
  expect(r.stderr).toMatch(/^ecgpu: warning: dist\/cli\.js is older than src\/; run `npm run build`/);
});

it('runs the sources through tsx when there is no dist/ and tsx is installed', () => {
  const r = run(layout({ 'src/cli/main.ts': MAIN.replace('argv', 'argv: string[]') }, true));
  expect(r).toEqual({ code: 7, stdout: 'main a b\n', stderr: '' });
});

it('without dist/ nor tsx prints one line telling to build, exit 1', () => {
  const r = run(layout({ 'src/cli/main.ts': MAIN }));
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/dist\/cli\.js is missing; run `npm run build`/);
});
