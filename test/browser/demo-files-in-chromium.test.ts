/**
 * The Classify page as a person uses it, in headless Chromium (SwiftShader's WebGPU, or none):
 *  - record files picked in the file input (setInputFiles: real File objects) and dropped on the page (a
 *    drop event carrying a DataTransfer of Files) get the probabilities Node's Classifier gives for the
 *    same files: a bundled sample and, when ../shared is present, a CPSC WFDB pair and the Chapman CSV;
 *  - bad files (only a .hea, a .dat without header, a 1-lead record, a PNG) show the one-line reason
 *    `ecgpu predict` gives for them;
 *  - the keyboard alone classifies a sample and turns on Grad-CAM; every control has a label;
 *    screenshots at 1280 and 390 px wide (nothing sticks out sideways at 390);
 *  - without WebGPU (navigator.gpu removed, or no adapter) Classify runs on the CPU with Node's answers
 *    and says so, and the Train page says training needs WebGPU.
 * Screenshots go to dist/screenshots/. Skipped when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { Classifier } from '../../src/classifier/classifier.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { encodePng } from '../../src/image/png.js';
import { main } from '../../src/cli/main.js';
import type { DemoHooks } from '../../web/demo/hooks.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { demoHooks, openDemo, root, serveDemo, SHOTS, type DemoServer } from '../helpers/demo-server.js';

const SAMPLES = join(root, 'web', 'demo', 'samples');
const REAL = join(root, '..', 'shared', 'data', 'real-ecg');
const hasReal = existsSync(join(REAL, 'A0001.hea'));
/** Page (Chromium's WebGPU or the page's CPU path) against Node (Dawn on SwiftShader): max |Δp|. */
const PROB_TOL = 1e-4;
const NO_GPU = "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });";

type How = 'input' | 'drop';

/** Hands files to the page as a person would, waits for the classification to finish; returns the status line. */
async function giveFiles(page: Page, how: How, paths: string[]): Promise<{ text: string; error: boolean }> {
  const before = (await demoHooks(page)).attempts ?? 0;
  if (how === 'input') await page.setInputFiles('#file', paths);
  else {
    const files = paths.map((p) => ({ name: basename(p), b64: readFileSync(p).toString('base64') }));
    const dt = await page.evaluateHandle((fs) => {
      const t = new DataTransfer();
      for (const f of fs) t.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      return t;
    }, files);
    await page.dispatchEvent('#drop', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
  }
  await page.waitForFunction((n) => ((globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.attempts ?? 0) > n, before, { timeout: 60_000 });
  const s = page.locator('#classify-status');
  return { text: (await s.textContent()) ?? '', error: await s.evaluate((el) => el.classList.contains('error')) };
}

/** What `ecgpu predict` says about a record path on stderr (its one line), with the folder taken out. */
async function cliReason(path: string, dir: string): Promise<string> {
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = () => {};
  console.error = (...a) => err.push(a.join(' '));
  try {
    expect(await main(['predict', path, '--backend', 'cpu', '--saliency', join(dir, 'unused.png')])).toBe(5);
  } finally {
    [console.log, console.error] = [log, error];
  }
  expect(err).toHaveLength(1);
  return err[0].replace('ecgpu predict: ', '').replaceAll(`${dir}/`, '');
}

describe.skipIf(!existsSync(CHROMIUM))('the Classify page in headless Chromium, as a person uses it', () => {
  let demo: DemoServer;
  let browser: Browser;
  let nodeClf: Classifier;
  const open = (opts: Parameters<typeof openDemo>[2] = {}) => openDemo(browser, demo.url, opts);
  const ready = (page: Page) => page.waitForFunction(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo?.classifyReady, undefined, { timeout: 60_000 });

  /** Page probabilities against Node's on the same files; returns max |Δp|. */
  async function sameAsNode(page: Page, recordPath: string, backend: 'webgpu' | 'cpu'): Promise<number> {
    const inPage = (await demoHooks(page)).lastResult!;
    expect(inPage.backend).toBe(backend);
    const inNode = await nodeClf.classify(readRecord(recordPath, { digital: false }));
    expect(inPage.decision, recordPath).toBe(inNode.decision.index);
    return Math.max(...inNode.probabilities.map((p, c) => Math.abs(p - inPage.probabilities[c])));
  }

  beforeAll(async () => {
    demo = await serveDemo();
    browser = await launchChromium();
    nodeClf = await Classifier.load(join(root, 'models', 'default.ecgpu'));
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    nodeClf?.dispose();
    await browser?.close();
    await demo?.close();
  });

  it('classifies record files picked in the input and dropped on the page as Node does', async () => {
    const { page, errors } = await open({ hash: '#classify' });
    await ready(page);
    const cases: [How, string[], string][] = [
      ['input', ['sample-3.hea', 'sample-3.mat'].map((f) => join(SAMPLES, f)), join(SAMPLES, 'sample-3.hea')],
      ['drop', ['sample-8.hea', 'sample-8.mat'].map((f) => join(SAMPLES, f)), join(SAMPLES, 'sample-8.hea')],
    ];
    if (hasReal) {
      cases.push(['input', ['A0001.hea', 'A0001.mat'].map((f) => join(REAL, f)), join(REAL, 'A0001.hea')]);
      cases.push(['drop', [join(REAL, 'MUSE_20180111_155115_19000.csv')], join(REAL, 'MUSE_20180111_155115_19000.csv')]);
    }
    let worst = 0;
    for (const [how, files, record] of cases) {
      const s = await giveFiles(page, how, files);
      expect(s, `${how}: ${files.map((f) => basename(f)).join(' + ')}`).toEqual({ text: `Classified ${files.map((f) => basename(f)).join(' + ')}.`, error: false });
      worst = Math.max(worst, await sameAsNode(page, record, 'webgpu'));
    }
    console.log(`files through the input and a drop, page vs Node over ${cases.length} records${hasReal ? '' : ' (../shared absent: bundled samples only)'}: max |Δp| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(PROB_TOL);
    await expect(page.locator('#run-info').textContent()).resolves.toMatch(/Inference \d+ ms on WebGPU, /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad files show the one-line reason `ecgpu predict` gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-bad-'));
    copyFileSync(join(SAMPLES, 'sample-0.hea'), join(dir, 'sample-0.hea')); // its sample-0.mat is not there
    writeFileSync(join(dir, 'lonely.dat'), readFileSync(join(SAMPLES, 'sample-1.mat')).subarray(0, 4000));
    const one = generateRecord(0, 3);
    const oneHea = writeRecord(dir, { ...one, leads: ['II'], signals: [one.signals[1]], digital: undefined, header: { ...one.header, nSignals: 1, signals: [one.header.signals[1]] } }, 'ONE');
    writeFileSync(join(dir, 'picture.png'), encodePng(new Uint8Array(4 * 4 * 3).fill(200), 4, 4, 3, (d) => new Uint8Array(deflateSync(d))));
    const cases: [string, string[]][] = [
      [join(dir, 'sample-0.hea'), [join(dir, 'sample-0.hea')]],
      [join(dir, 'lonely.dat'), [join(dir, 'lonely.dat')]],
      [oneHea, [oneHea, join(dir, 'ONE.mat')]],
      [join(dir, 'picture.png'), [join(dir, 'picture.png')]],
    ];
    const { page, errors } = await open({ hash: '#classify' });
    await ready(page);
    for (const [path, files] of cases) {
      const cli = await cliReason(path, dir);
      const shown = await giveFiles(page, 'input', files);
      expect(shown, basename(path)).toEqual({ text: cli, error: true });
      expect(cli).not.toContain('\n');
      console.log(`${files.map((f) => basename(f)).join(' + ')} → ${cli}`);
    }
    expect(await page.isVisible('#result')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works from the keyboard with every control labelled; screenshots at 1280 and 390 px', async () => {
    const { page, errors } = await open({ hash: '#classify' });
    await ready(page);
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('main input, main select, main button'))
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent!.trim())))
      .map((el) => el.id || el.outerHTML.slice(0, 60)));
    expect(unlabelled).toEqual([]);
    // Tab to the sample list, pick the next sample with the arrow key, Tab to the button and press Enter.
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let i = 0; i < 20 && (await focused()) !== 'sample'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('sample');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('classify-sample');
    const before = (await demoHooks(page)).attempts ?? 0;
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => ((globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.attempts ?? 0) > n, before, { timeout: 60_000 });
    expect((await demoHooks(page)).lastResult?.name).toMatch(/^sample-1 /);
    for (let i = 0; i < 20 && (await focused()) !== 'gradcam'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('gradcam');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('ecg-caption')!.textContent!.startsWith('Grad-CAM'), undefined, { timeout: 60_000 });
    if (hasReal) await giveFiles(page, 'input', ['A0001.hea', 'A0001.mat'].map((f) => join(REAL, f)));
    await page.screenshot({ path: join(SHOTS, 'demo-classify-files-1280x800.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'demo-classify-files-390.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'wider than a phone').toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU: Classify runs on the CPU with Node\'s answers and says so; Train says it needs WebGPU', async () => {
    const { page, errors } = await open({ hash: '#classify', init: NO_GPU });
    await ready(page);
    await expect(page.locator('#no-webgpu').textContent()).resolves.toMatch(/This browser has no WebGPU.*Classify still works here.*Training needs WebGPU.*npx ecgpu predict/s);
    await expect(page.locator('#classify-status').textContent()).resolves.toMatch(/running on the CPU/);
    await page.selectOption('#sample', '5');
    const before = (await demoHooks(page)).attempts ?? 0;
    await page.click('#classify-sample');
    await page.waitForFunction((n) => ((globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.attempts ?? 0) > n, before, { timeout: 60_000 });
    let worst = await sameAsNode(page, join(SAMPLES, 'sample-5.hea'), 'cpu');
    const real = hasReal ? ['A0001.hea', 'A0001.mat'].map((f) => join(REAL, f)) : ['sample-2.hea', 'sample-2.mat'].map((f) => join(SAMPLES, f));
    expect((await giveFiles(page, 'drop', real)).error).toBe(false);
    worst = Math.max(worst, await sameAsNode(page, real[0], 'cpu'));
    console.log(`no WebGPU: page on the CPU vs Node on WebGPU, max |Δp| = ${worst.toExponential(2)}; ${(await page.locator('#run-info').textContent())}`);
    expect(worst).toBeLessThanOrEqual(PROB_TOL);
    await expect(page.locator('#run-info').textContent()).resolves.toMatch(/Inference \d+ ms on the CPU/);
    await page.check('#gradcam');
    await page.waitForFunction(() => document.getElementById('ecg-caption')!.textContent!.startsWith('Grad-CAM'), undefined, { timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, 'demo-classify-no-webgpu-1280x800.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'demo-classify-no-webgpu-390.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${demo.url}#train`);
    await page.waitForSelector('#train-needs-webgpu:not([hidden])');
    await expect(page.locator('#train-needs-webgpu').textContent()).resolves.toMatch(/Training needs WebGPU/);
    expect(await page.isDisabled('#train-start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();

    const noAdapter = await open({ init: 'if (navigator.gpu) navigator.gpu.requestAdapter = async () => null;' });
    await ready(noAdapter.page);
    await expect(noAdapter.page.locator('#no-webgpu').textContent()).resolves.toMatch(/no GPU adapter is available.*Classify still works here/s);
    await expect(noAdapter.page.locator('#classify-status').textContent()).resolves.toMatch(/running on the CPU/);
    expect(noAdapter.errors).toEqual([]);
    await noAdapter.page.close();
  });
});
