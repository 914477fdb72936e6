/**
 * The op-table kernel tests (src/testing/op-check.ts) run again in headless Debian Chromium on its
 * own WebGPU implementation (SwiftShader without a GPU): web/test-runner/entry.ts is bundled with
 * esbuild (every .wgsl inlined, no Node built-ins), served from 127.0.0.1 (WebGPU needs a secure
 * context, which localhost is), and driven with playwright-core. Skipped when /usr/bin/chromium is absent.
 *
 *   npx vitest run test/browser
 *   ECGPU_CHROMIUM=/path/to/chrome npx vitest run test/browser   (another browser binary)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserRunResult } from '../../web/test-runner/entry.js';
import { CHROMIUM, openPage, type ServedPage } from '../helpers/chromium.js';

const root = join(import.meta.dirname, '..', '..');

describe.skipIf(!existsSync(CHROMIUM))('kernels in headless Chromium', () => {
  let served: ServedPage;
  let nodeOps: string[] = [];

  beforeAll(async () => {
    // The op names Node sees, taken right before bundling the same sources for the browser.
    const { opTable } = await import('../../src/autograd/op.js');
    await import('../../src/autograd/index.js');
    nodeOps = opTable.map((o) => o.name).sort();
    const buildScript = join(root, 'scripts', 'build.mjs');
    const { bundleBrowser } = (await import(buildScript)) as { bundleBrowser: (entry: string) => Promise<string> };
    const js = await bundleBrowser(join(root, 'web', 'test-runner', 'entry.ts'));
    expect(js).not.toMatch(/\bfrom\s*["']node:/);
    const html = readFileSync(join(root, 'web', 'test-runner', 'index.html'), 'utf8');
    served = await openPage(html, js);
    await served.page.waitForFunction(() => typeof (globalThis as { ecgpuRunKernelTests?: unknown }).ecgpuRunKernelTests === 'function', undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await served?.close();
  });

  it('every op in the op table passes its forward and gradient checks in the browser', async () => {
    const r = (await served.page.evaluate(() =>
      (globalThis as unknown as { ecgpuRunKernelTests: (o: object) => Promise<unknown> }).ecgpuRunKernelTests({ gradients: true }),
    )) as BrowserRunResult;
    const context = `\n${served.logs.slice(-20).join('\n')}`;
    // A real WebGPU adapter from navigator.gpu, not a Node/Dawn one.
    expect(r.hasNavigatorGpu, context).toBe(true);
    expect(r.adapter.runtime).toBe('browser');
    expect(`${r.adapter.vendor}${r.adapter.architecture}${r.adapter.description}`.length, JSON.stringify(r.adapter)).toBeGreaterThan(0);
    console.log(
      `Chromium ${served.browser.version()} on ${r.adapter.vendor}/${r.adapter.architecture} (${r.adapter.adapterClass}): ` +
        `${r.summary.ops.length} ops, ${r.summary.passed} checks passed, ${r.summary.failed} failed in ${(r.ms / 1000).toFixed(1)} s`,
    );
    // Every op registered in the table ran (the bundle carried the whole table) and passed.
    expect([...r.summary.ops].sort()).toEqual(nodeOps);
    const failures = r.summary.results.filter((x) => !x.ok).map((x) => `${x.op} ${x.kind} ${x.label}: ${x.detail}`);
    expect(failures, context).toEqual([]);
    expect(r.summary.passed).toBeGreaterThan(0);
    for (const o of r.optimizers) expect(o.ok, `${o.name}: max abs err ${o.maxAbs} ${o.detail}`).toBe(true);
  });
});
