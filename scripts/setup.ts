/**
 * `npm run setup`, and what `npm start` and `npm test` run first (their `prestart` / `pretest` hooks), so
 * the Quick start holds from a fresh clone: `npm ci && npm start`, `npm ci && npm test`.
 *
 * It asks `ecgpu info` (in a child process, whose stderr it keeps to itself) whether WebGPU finds an
 * adapter. When one is found it prints nothing. When none is, on Linux it installs the two Debian
 * packages that give a machine without a GPU one: `chromium` (its SwiftShader, a CPU Vulkan driver, and
 * headless Chromium for the browser tests) and `libvulkan1` (the Vulkan loader), saying so before it
 * starts; as root directly, otherwise through sudo. Where it cannot (no apt-get, no root and no sudo,
 * not Linux) it says what to install or run instead and exits 1, so npm stops before the main job.
 *
 * The choice is `decideSetup` (pure, tested on its own in test/setup/setup-decision.test.ts); `main`
 * gathers the facts it needs and carries the choice out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SWIFTSHADER_ICD_PATHS } from '../src/engine/device.js';
import { EXIT } from '../src/cli/exit-codes.js';

export const PACKAGES = ['chromium', 'libvulkan1'] as const;
export type Package = (typeof PACKAGES)[number];

const WHAT: Record<Package, string> = {
  chromium: 'SwiftShader, the CPU Vulkan driver WebGPU runs on without a GPU (and headless Chromium for the browser tests)',
  libvulkan1: 'the Vulkan loader',
};

export interface SetupFacts {
  platform: NodeJS.Platform;
  /** What `ecgpu info` found: the adapter's line, or undefined when it found none. */
  adapter: string | undefined;
  /** The packages that are not installed. */
  missing: Package[];
  root: boolean;
  /** sudo: absent, usable without a password, or asking for one (usable only at a terminal). */
  sudo: 'none' | 'passwordless' | 'password';
  interactive: boolean;
  apt: boolean;
}

export type SetupAction =
  | { kind: 'ready' }
  | { kind: 'install'; say: string; commands: string[][] }
  | { kind: 'cannot'; say: string };

const aptInstall = (pkgs: readonly string[]) => ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs];

export function decideSetup(f: SetupFacts): SetupAction {
  if (f.adapter !== undefined) return { kind: 'ready' };
  const none = 'ecgpu: no WebGPU adapter on this machine.';
  if (f.platform !== 'linux') {
    return { kind: 'cannot', say: `${none} ecgpu needs a GPU driver with ${f.platform === 'darwin' ? 'Metal (macOS 13 or later)' : 'Vulkan or D3D12'}; update the driver, then run this command again.` };
  }
  const pkgs = f.missing.length ? f.missing : [...PACKAGES];
  const manual = `apt-get install -y ${pkgs.join(' ')}`;
  if (f.missing.length === 0) {
    return { kind: 'cannot', say: `${none} SwiftShader and the Vulkan loader are installed but give no adapter; \`ECGPU_DEBUG=1 npx ecgpu info\` shows the search.` };
  }
  if (!f.apt) {
    return {
      kind: 'cannot',
      say: `${none} Without a GPU it needs SwiftShader (a CPU Vulkan driver, shipped with Chromium) and the Vulkan loader, ` +
        `which this command installs with apt-get (Debian/Ubuntu: ${manual}); there is no apt-get here. ` +
        'Install a Vulkan GPU driver, or Chromium and the Vulkan loader with your package manager, then run this command again.',
    };
  }
  const sudo = f.root ? [] : f.sudo === 'passwordless' || (f.sudo === 'password' && f.interactive) ? ['sudo'] : undefined;
  if (!sudo) {
    return { kind: 'cannot', say: `${none} Installing what it needs takes root, and ${f.sudo === 'none' ? 'there is no sudo' : 'sudo asks for a password and this is no terminal'}. Run as root:\n  ${manual}\nthen run this command again.` };
  }
  const list = pkgs.map((p) => `  ${p.padEnd(11)} ${WHAT[p]}`).join('\n');
  return {
    kind: 'install',
    say: `${none} Installing with apt-get${sudo.length ? ' (through sudo)' : ''}:\n${list}`,
    commands: [[...sudo, 'apt-get', 'update', '-qq'], [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', ...aptInstall(pkgs)]],
  };
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `ecgpu info` in a child process: its adapter line, or undefined when it finds none. */
function probeAdapter(): string | undefined {
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'info'], { cwd: root, encoding: 'utf8' });
  if (r.status === 0) return r.stdout.split('\n')[0];
  if (r.status !== EXIT.noAdapter) {
    // Not "no adapter" but a failure of its own (e.g. Dawn's native module did not load): show it whole.
    process.stderr.write(r.stderr);
    throw new Error(`setup: \`ecgpu info\` failed (exit ${r.status ?? r.signal})`);
  }
  if (process.env.ECGPU_DEBUG) process.stderr.write(r.stderr);
  return undefined;
}

const succeeds = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const onPath = (cmd: string) => succeeds('sh', ['-c', `command -v ${cmd}`]);

function missingPackages(): Package[] {
  const missing: Package[] = [];
  if (!SWIFTSHADER_ICD_PATHS.some((p) => existsSync(p))) missing.push('chromium');
  const ldconfig = ['ldconfig', '/sbin/ldconfig'].map((c) => spawnSync(c, ['-p'], { encoding: 'utf8' })).find((r) => r.status === 0);
  if (!ldconfig?.stdout.includes('libvulkan.so.1')) missing.push('libvulkan1');
  return missing;
}

function gatherFacts(): SetupFacts {
  const adapter = probeAdapter();
  const hasSudo = adapter === undefined && onPath('sudo');
  return {
    platform: process.platform,
    adapter,
    missing: adapter === undefined && process.platform === 'linux' ? missingPackages() : [],
    root: process.getuid?.() === 0,
    sudo: !hasSudo ? 'none' : succeeds('sudo', ['-n', 'true']) ? 'passwordless' : 'password',
    interactive: Boolean(process.stdin.isTTY),
    apt: adapter === undefined && onPath('apt-get'),
  };
}

function main(): number {
  const action = decideSetup(gatherFacts());
  if (action.kind === 'ready') return 0;
  if (action.kind === 'cannot') {
    console.error(action.say);
    return 1;
  }
  console.log(action.say);
  for (const [cmd, ...args] of action.commands) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`setup: \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal})`);
      return 1;
    }
  }
  const adapter = probeAdapter();
  if (adapter === undefined) {
    console.error('setup: installed, but WebGPU still finds no adapter; `ECGPU_DEBUG=1 npx ecgpu info` shows the search.');
    return 1;
  }
  console.log(`setup: done. ${adapter}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
