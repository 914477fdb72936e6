/**
 * What `npm start` / `npm test` do first (scripts/setup.ts) on each kind of machine: nothing when WebGPU
 * finds an adapter; otherwise install what is missing, saying what before installing, or say what to
 * run instead where they cannot. The facts are handed in: no package is installed or removed here.
 */
import { describe, expect, it } from 'vitest';
import { decideSetup, type SetupFacts } from '../../scripts/setup.js';

const bare: SetupFacts = {
  platform: 'linux', adapter: undefined, missing: ['chromium', 'libvulkan1'],
  root: true, sudo: 'none', interactive: false, apt: true,
};

describe('setup before npm start / npm test', () => {
  it('an adapter present: nothing to do, nothing said', () => {
    expect(decideSetup({ ...bare, adapter: 'adapter: SwiftShader driver 5.0.0' })).toEqual({ kind: 'ready' });
    expect(decideSetup({ ...bare, platform: 'darwin', adapter: 'adapter: Apple M2' })).toEqual({ kind: 'ready' });
  });

  it('root and apt-get: says what it installs and why, then installs exactly that', () => {
    const a = decideSetup(bare);
    if (a.kind !== 'install') throw new Error(`expected install, got ${a.kind}`);
    expect(a.say).toMatch(/^ecgpu: no WebGPU adapter on this machine\. Installing with apt-get:\n {2}chromium +SwiftShader.*\n {2}libvulkan1 +the Vulkan loader$/);
    expect(a.commands).toEqual([
      ['apt-get', 'update', '-qq'],
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'libvulkan1'],
    ]);
  });

  it('installs only what is missing', () => {
    const a = decideSetup({ ...bare, missing: ['libvulkan1'] });
    expect(a.kind === 'install' && a.commands[1].slice(-2)).toEqual(['--no-install-recommends', 'libvulkan1']);
    expect(a.kind === 'install' && a.say).not.toMatch(/chromium/);
  });

  it('no root but sudo (without a password, or with one at a terminal): the same through sudo', () => {
    for (const f of [{ sudo: 'passwordless', interactive: false }, { sudo: 'password', interactive: true }] as const) {
      const a = decideSetup({ ...bare, root: false, ...f });
      if (a.kind !== 'install') throw new Error(`expected install, got ${a.kind}`);
      expect(a.say).toMatch(/Installing with apt-get \(through sudo\):/);
      expect(a.commands.map((c) => c[0])).toEqual(['sudo', 'sudo']);
    }
  });

  it('no root and no usable sudo: says the command to run as root, installs nothing', () => {
    const none = decideSetup({ ...bare, root: false, sudo: 'none' });
    expect(none).toEqual({ kind: 'cannot', say: expect.stringMatching(/takes root, and there is no sudo\. Run as root:\n {2}apt-get install -y chromium libvulkan1\nthen run this command again\.$/) });
    const noTerminal = decideSetup({ ...bare, root: false, sudo: 'password', interactive: false });
    expect(noTerminal.kind === 'cannot' && noTerminal.say).toMatch(/sudo asks for a password and this is no terminal/);
  });

  it('no apt-get: says what is needed and the Debian command, installs nothing', () => {
    const a = decideSetup({ ...bare, apt: false });
    expect(a.kind).toBe('cannot');
    expect(a.kind === 'cannot' && a.say).toMatch(/there is no apt-get here\. Install a Vulkan GPU driver, or Chromium and the Vulkan loader with your package manager/);
    expect(a.kind === 'cannot' && a.say).toMatch(/Debian\/Ubuntu: apt-get install -y chromium libvulkan1/);
  });

  it('not Linux: a GPU driver is what is missing', () => {
    const a = decideSetup({ ...bare, platform: 'darwin', missing: [] });
    expect(a.kind === 'cannot' && a.say).toMatch(/needs a GPU driver with Metal/);
    const w = decideSetup({ ...bare, platform: 'win32', missing: [] });
    expect(w.kind === 'cannot' && w.say).toMatch(/Vulkan or D3D12/);
  });

  it('everything installed yet no adapter: points at the adapter search instead of reinstalling', () => {
    const a = decideSetup({ ...bare, missing: [] });
    expect(a.kind === 'cannot' && a.say).toMatch(/installed but give no adapter; `ECGPU_DEBUG=1 npx ecgpu info` shows the search/);
  });
});
