/**
 * What a newcomer's first commands print and write, run as subprocesses in a fresh empty folder:
 * `ecgpu info` and `ecgpu predict` on a sample say what the command means and nothing else (no Vulkan
 * driver warnings from Dawn on stderr), `predict` writes no file unless --saliency names one, and
 * ECGPU_DEBUG=1 shows the adapter search.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../ecg/wfdb-fixtures.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repo, 'src/cli/main.ts');
// By file URL, so the command runs from any folder (a bare `tsx` resolves from the working folder).
const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const sample = join(repo, 'web/demo/samples/sample-4.hea');

interface Run { code: number | null; out: string; err: string }
function ecgpu(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    if (!env.ECGPU_DEBUG) delete childEnv.ECGPU_DEBUG;
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], { cwd, env: childEnv });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('first contact', () => {
  it('ecgpu info prints the adapter and its search on stdout, nothing on stderr', async () => {
    const r = await ecgpu(['info'], tempDir('ecgpu-info-'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^adapter: .+\nadapter search:\n {2}\S/);
    expect(r.out).toMatch(/requestAdapter: /);
  });

  it('ECGPU_DEBUG=1 shows the adapter search on stderr', async () => {
    const r = await ecgpu(['info'], tempDir('ecgpu-info-'), { ECGPU_DEBUG: '1' });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^ecgpu: adapter search: requestAdapter: /m);
    expect(r.err).not.toMatch(/vkCreateInstance|VK_ERROR/);
  });

  it('ecgpu predict on a sample: the classes and the decision, no stderr, no file written', async () => {
    const cwd = tempDir('ecgpu-predict-');
    const r = await ecgpu(['predict', sample], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^sample-4\.hea: 12 leads, 500 Hz, 10\.0 s/);
    expect(r.out).toMatch(/\n(decision.*|findings): \S/); // a single-label model decides; a multi-label one lists its findings
    expect(r.out).not.toMatch(/saliency/i);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('ecgpu predict --saliency FILE writes that PNG and only it', async () => {
    const cwd = tempDir('ecgpu-predict-');
    const r = await ecgpu(['predict', sample, '--saliency', 'heat.png'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/\nsaliency \(Grad-CAM for .+\): heat\.png\n/);
    expect(readdirSync(cwd)).toEqual(['heat.png']);
    expect([...readFileSync(join(cwd, 'heat.png')).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
