/**
 * The demo's Train and Bench pages in headless Chromium on its own WebGPU (SwiftShader without a GPU):
 *  - Bench (#bench?size=tiny): ecgpu against tfjs-webgpu in a worker; every row has finite times for both
 *    and a finite cross-check; the markdown and JSON are those of `npm run bench`; tfjs is fetched only
 *    once the Bench page starts (bench-worker.js), never by the page's own bundle, and from this origin only.
 *  - Train, default settings: both networks train to the end; the figures (test accuracy, wall time,
 *    images/s) go to the test output and docs/demo-train-bench.md — they are recorded, not asserted.
 * Screenshots at 1280 px and 390 px go to dist/screenshots/. Skipped when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { markdown, type Report } from '../../bench/table.js';
import type { DemoHooks } from '../../web/demo/hooks.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { demoHooks, openDemo, screenshotsAndClose, serveDemo, SHOTS as shots, type DemoServer } from '../helpers/demo-server.js';
import { descendantsCpuSeconds } from '../helpers/process-cpu.js';


describe.skipIf(!existsSync(CHROMIUM))('the demo\'s Train and Bench pages in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;

  const open = (hash: string) => openDemo(browser, server.url, { hash });

  beforeAll(async () => {
    server = await serveDemo();
    browser = await launchChromium();
    mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('benches ecgpu against tfjs-webgpu at the tiny size, every row timed and cross-checked; markdown and JSON as npm run bench', async () => {
    expect(readFileSync(join(server.dir, 'app.js'), 'utf8')).not.toMatch(/registerBackend\(['"]webgpu/);
    const { page, errors, origins } = await open('#bench?size=tiny&runs=1&budget=0.5');
    await page.waitForFunction(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo?.webgpu === true);
    expect(server.requested).not.toContain('/bench-worker.js');
    await expect(page.locator('#bench-size').inputValue()).resolves.toBe('tiny');
    // By keyboard: focus the Start button and press Enter.
    await page.focus('#bench-start');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const b = (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.bench;
      return b?.done || b?.error;
    }, undefined, { timeout: 170_000, polling: 500 });
    const bench = (await demoHooks(page)).bench!;
    expect(bench.error).toBeUndefined();
    expect(server.requested).toContain('/bench-worker.js');
    expect([...origins]).toEqual([server.url.replace(/\/$/, '')]);
    const report = bench.report!;
    const groups = new Set(report.rows.map((r) => r.group));
    expect([...groups].sort()).toEqual(['conv', 'e2e', 'gemm']);
    expect(report.meta.adapter).toMatch(/\S/);
    expect(report.meta.browser).toMatch(/Chrome/);
    for (const row of report.rows) {
      const tfjs = row.peers.find((p) => p.framework === 'tfjs-webgpu');
      expect(row.ecgpu?.error, row.name).toBeUndefined();
      expect(tfjs?.error, row.name).toBeUndefined();
      expect(Number.isFinite(row.ecgpu?.timing?.medianMs), `${row.name} ecgpu ms`).toBe(true);
      expect(Number.isFinite(tfjs?.timing?.medianMs), `${row.name} tfjs ms`).toBe(true);
      expect(Number.isFinite(tfjs?.check?.maxAbs) && Number.isFinite(tfjs?.check?.maxRel), `${row.name} cross-check`).toBe(true);
      expect(tfjs!.check!.n, row.name).toBeGreaterThan(0);
    }
    const worst = Math.max(...report.rows.map((r) => r.peers[0].check!.maxRel));
    console.log(`Bench page, tiny, ${report.rows.length} rows in ${report.meta.totalS?.toFixed(0)} s on ${report.meta.adapter}; largest max rel diff ${worst.toExponential(1)}`);
    // The page's table: one row per case, with numbers in the time and cross-check cells.
    const cells = await page.locator('#bench-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? '')));
    expect(cells.length).toBe(report.rows.length);
    for (const c of cells) for (const i of [2, 4, 7, 8]) expect(Number.isFinite(Number(c[i])), `table cell ${i} of ${c[0]}: ${c[i]}`).toBe(true);
    // Markdown as npm run bench writes it (bench/table.ts), and the JSON download in results.json's form.
    const md = await page.locator('#bench-markdown').textContent();
    expect(md).toMatch(/^# ecgpu vs tfjs — bench results/);
    expect(md).toContain('| case | shape | ecgpu ms | ecgpu GFLOP/s | peer | peer ms |');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bench-download')]);
    expect(download.suggestedFilename()).toBe('results.json');
    const json = JSON.parse(readFileSync(await download.path(), 'utf8')) as Report;
    expect(json.rows.map((r) => r.name)).toEqual(report.rows.map((r) => r.name));
    expect(Object.keys(json.meta)).toEqual(expect.arrayContaining(['date', 'commit', 'adapter', 'peers', 'size', 'runs', 'budgetS', 'command', 'workarounds']));
    expect(md).toBe(markdown(json)); // what `npm run bench -- --render results.json` would write
    await screenshotsAndClose(page, 'bench', errors);
  });

  it('trains both networks with the default settings; records test accuracy and wall time (figures for docs/demo-train-bench.md)', async () => {
    const { page, errors } = await open('#train');
    await page.waitForFunction(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo?.webgpu === true);
    const [perClass, epochs] = await Promise.all([page.inputValue('#per-class'), page.inputValue('#epochs')]);
    const t0 = Date.now(), cpu0 = descendantsCpuSeconds();
    await page.focus('#train-start');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const t = (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.train;
      return ['alexnet-m-se', 'alexnet'].every((a) => t[a]?.done || t[a]?.error);
    }, undefined, { timeout: 900_000, polling: 1000 });
    const wall = (Date.now() - t0) / 1000;
    const cpu = (descendantsCpuSeconds() ?? NaN) - (cpu0 ?? NaN);
    const h = await demoHooks(page);
    const figures: string[] = [];
    for (const arch of ['alexnet-m-se', 'alexnet']) {
      const t = h.train[arch];
      expect(t.error, arch).toBeUndefined();
      const d = t.done!;
      expect(d.history.length, arch).toBe(Number(epochs));
      expect(t.stepLosses.length, arch).toBeGreaterThan(0);
      // The page shows the figures: the result line, the accuracy chart's last epoch, the confusion matrix.
      await expect(page.locator(`#run-${arch} p[role=status]`).textContent()).resolves.toMatch(/^done: test accuracy \d+\.\d% on 50 records in \d+:\d\d/);
      await expect(page.locator(`#run-${arch} canvas`).nth(1).getAttribute('aria-label')).resolves.toMatch(new RegExp(`epoch ${epochs} train accuracy`));
      expect(await page.locator(`#run-${arch} table.confusion tbody tr`).count()).toBe(10);
      const last = d.history[d.history.length - 1];
      figures.push(`${arch}: test accuracy ${d.testAccuracy.toFixed(2)} (${d.testIds.length} records), validation ${last.valAcc.toFixed(2)}, train loss ${d.history[0].trainLoss.toFixed(3)} → ${last.trainLoss.toFixed(3)}, ` +
        `${last.imagesPerSecond.toFixed(1)} images/s in the last epoch, worker wall time ${d.wallSeconds.toFixed(0)} s (drawing the records ${d.drawSeconds.toFixed(0)} s)`);
    }
    const mse = h.train['alexnet-m-se'].done!.history;
    expect(mse[mse.length - 1].trainLoss).toBeLessThan(mse[0].trainLoss);
    expect(h.trainOffer?.imagesPerSecond).toBeGreaterThan(0);
    console.log([`Train page, defaults (${perClass} records per class, ${epochs} epochs, preset demo) on ${h.train['alexnet-m-se'].done!.adapter}: ` +
      `both networks done ${wall.toFixed(0)} s after Start, using ${cpu.toFixed(0)} CPU seconds in Chromium's processes (${os.cpus().length} cores; load average at the end ${os.loadavg()[0].toFixed(1)})`, ...figures, `offer: ${JSON.stringify(h.trainOffer)}`].join('\n  '));
    await screenshotsAndClose(page, 'train-default', errors);
  }, 960_000);
});
