/**
 * The demo (web/demo) in headless Chromium on its own WebGPU (SwiftShader without a GPU), built by
 * scripts/build-demo.mjs into a temporary folder and served from 127.0.0.1:
 *  - it loads with no console errors, and each bundled sample classified in the page gets the
 *    probabilities the Node Classifier gives for the same model and record (|Δ| ≤ 1e-4);
 *  - the Train page trains both architectures ≥ 2 epochs, AlexNet-M-SE's loss decreases, and the
 *    downloaded model reloads in Node with the page's logits (and works with `ecgpu predict --model`);
 * Real files, bad files, the keyboard and the page without WebGPU: demo-files-in-chromium.test.ts.
 * Screenshots go to dist/screenshots/. Skipped when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Classifier } from '../../src/classifier/classifier.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { main } from '../../src/cli/main.js';
import type { DemoHooks } from '../../web/demo/hooks.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { demoHooks, openDemo, root, screenshotsAndClose, serveDemo, SHOTS as shots, type DemoServer } from '../helpers/demo-server.js';

describe.skipIf(!existsSync(CHROMIUM))('the demo in headless Chromium', () => {
  let demo: DemoServer;
  let browser: Browser;
  let nodeClf: Classifier;

  const open = (hash = '') => openDemo(browser, demo.url, { hash });
  const hooks = demoHooks;

  beforeAll(async () => {
    demo = await serveDemo();
    for (const f of ['app.js', 'train-worker.js']) expect(readFileSync(join(demo.dir, f), 'utf8')).not.toMatch(/\bfrom\s*["']node:/);
    browser = await launchChromium();
    nodeClf = await Classifier.load(join(root, 'models', 'default.ecgpu'));
    mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    nodeClf?.dispose();
    await browser?.close();
    await demo?.close();
  });

  it('classifies every bundled sample as the Node Classifier does, with no console errors', async () => {
    const { page, errors } = await open('#classify');
    await page.waitForFunction(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo?.classifyReady, undefined, { timeout: 60_000 });
    const samples = JSON.parse(readFileSync(join(root, 'web', 'demo', 'samples', 'index.json'), 'utf8')) as { name: string }[];
    let worst = 0;
    for (const [i, s] of samples.entries()) {
      await page.selectOption('#sample', String(i));
      await page.click('#classify-sample');
      await page.waitForFunction((n) => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.lastResult?.name.startsWith(`${n} `), s.name, { timeout: 30_000 });
      const inPage = (await hooks(page)).lastResult!;
      const inNode = await nodeClf.classify(readRecord(join(root, 'web', 'demo', 'samples', `${s.name}.hea`), { digital: false }));
      inNode.probabilities.forEach((p, c) => { worst = Math.max(worst, Math.abs(p - inPage.probabilities[c])); });
      expect(inPage.decision, s.name).toBe(inNode.decision.index);
    }
    console.log(`page vs Node over ${samples.length} samples: max |Δp| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    await page.check('#gradcam');
    await page.waitForFunction(() => document.getElementById('ecg-caption')!.textContent!.startsWith('Grad-CAM'));
    await expect(page.locator('#decision').textContent()).resolves.toMatch(/\(\d+\.\d%\)/);
    // The bar chart draws: the chosen class's bar is as long as its share of the track.
    const [fill, track] = await page.locator('#bars li.chosen').evaluate((li) => ['.fill', '.track'].map((q) => li.querySelector(q)!.getBoundingClientRect().width));
    const shown = Number((await page.locator('#bars li.chosen .pct').textContent())!.replace('%', '')) / 100;
    expect(Math.abs(fill / track - shown)).toBeLessThan(0.02);
    await screenshotsAndClose(page, 'classify', errors);
  });

  it('trains both networks ≥ 2 epochs in workers; the downloaded model gives the page\'s logits in Node', async () => {
    const { page, errors } = await open('#train');
    await page.fill('#per-class', '3');
    await page.fill('#epochs', '2');
    await page.click('#train-start');
    // Pause between steps: both workers stop stepping until Resume. Asked at once, so each worker pauses
    // after its first step (waiting for steps first let a fast worker finish before the other began).
    const stepsOf = () => page.evaluate(() => Object.values((globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.train).map((t) => t.stepLosses.length));
    await page.click('#train-pause');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.run p[role=status]')).every((p) => p.textContent === 'paused'), undefined, { timeout: 150_000, polling: 250 });
    const atPause = await stepsOf();
    expect(atPause).toEqual([1, 1]);
    await page.waitForTimeout(1500);
    expect(await stepsOf()).toEqual(atPause);
    await expect(page.locator('#train-pause').textContent()).resolves.toBe('Resume');
    await page.click('#train-pause');
    await page.waitForFunction(() => {
      const t = (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.train;
      return ['alexnet-m-se', 'alexnet'].every((a) => t[a]?.done || t[a]?.error);
    }, undefined, { timeout: 170_000, polling: 500 });
    const t = (await hooks(page)).train;
    for (const arch of ['alexnet-m-se', 'alexnet']) {
      expect(t[arch].error, arch).toBeUndefined();
      const h = t[arch].done!.history;
      expect(h.length, arch).toBe(2);
      console.log(`${arch} in the page: train loss ${h.map((e) => e.trainLoss.toFixed(3)).join(' → ')}, ${t[arch].stepLosses.length} steps, ${h[1].imagesPerSecond.toFixed(1)} images/s`);
    }
    const mse = t['alexnet-m-se'].done!;
    expect(mse.history[1].trainLoss).toBeLessThan(mse.history[0].trainLoss);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#run-alexnet-m-se a.download')]);
    const file = join(mkdtempSync(join(tmpdir(), 'ecgpu-dl-')), download.suggestedFilename());
    await download.saveAs(file);
    const clf = await Classifier.load(file);
    let worst = 0;
    for (const [i, id] of mse.testIds.entries()) {
      const r = await clf.classify(generateRecord(id.cls, id.seed));
      r.logits.forEach((v, c) => { worst = Math.max(worst, Math.abs(v - mse.testLogits[i * 10 + c])); });
    }
    clf.dispose();
    console.log(`downloaded model in Node vs the page over ${mse.testIds.length} test records: max |Δlogit| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    const log = console.log;
    console.log = () => {};
    const code = await main(['predict', join(root, 'web', 'demo', 'samples', 'sample-4.hea'), '--model', file, '--saliency', join(tmpdir(), 'dl-saliency.png')]).finally(() => { console.log = log; });
    expect(code).toBe(0);
    await screenshotsAndClose(page, 'train', errors);
  });
});
