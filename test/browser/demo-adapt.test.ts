/**
 * The Adapt page (#adapt) in headless Chromium (WebGPU on SwiftShader), as a visitor uses it, with a small
 * folder of real records from ../shared (the first 36 CPSC records of real-ecg, 8 PTB-XL records with
 * their ptbxl_database.csv, and a header whose signal file is missing): the folder picked through the folder input (setInputFiles on a directory); the page
 * lists what it read, labelled and refused (the refusal in the Node scan's words), starts by keyboard,
 * fine-tunes 1 epoch; the AUROC table shows numbers; the page's before and after AUROCs are those Node's
 * Classifier gives with the bundled and the downloaded model on the same validation records; the
 * downloaded model loads in Classifier.load and `ecgpu predict --model`, and answers differently from
 * the bundled one. Too few records: one line, nothing runs. Without WebGPU: the page says fine-tuning
 * needs it. Screenshots at 1280 and 390 px. Skipped without Chromium or ../shared.
 *
 * For figures on a larger folder: ECGPU_ADAPT_FOLDER=../shared/data/ludb ECGPU_ADAPT_EPOCHS=4 npx vitest
 * run test/browser/demo-adapt.test.ts -t 'reads a folder' --maxWorkers=1 (that folder instead of the 36
 * records, no added refusal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Classifier } from '../../src/classifier/classifier.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { scanRecordsSync } from '../../src/ecg/scan.js';
import { scanFile } from '../../src/ecg/scan-files.js';
import { compareValidation } from '../../src/train/finetune/compare.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import type { DemoHooks } from '../../web/demo/hooks.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli-run.js';
import { demoHooks, openDemo, root, screenshotsAndClose, serveDemo, type DemoServer } from '../helpers/demo-server.js';

const REAL = join(root, '..', 'shared', 'data', 'real-ecg');
const hasReal = existsSync(join(REAL, 'A0001.hea'));
const PTBXL = join(root, '..', 'shared', 'data', 'ptb-xl');
const NO_GPU = "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });";
type Adapt = NonNullable<DemoHooks['adapt']>;
const FOLDER = process.env.ECGPU_ADAPT_FOLDER;
const EPOCHS = process.env.ECGPU_ADAPT_EPOCHS ?? '1';

/** A folder of the first `n` CPSC records (header + .mat) of real-ecg, in a temporary directory. */
function recordFolder(n: number, name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ecgpu-adapt-')), name);
  mkdirSync(dir);
  for (const h of readdirSync(REAL).filter((f) => /^A\d+\.hea$/.test(f)).sort().slice(0, n)) {
    for (const f of [h, h.replace('.hea', '.mat')]) copyFileSync(join(REAL, f), join(dir, f));
  }
  return dir;
}

const adaptHooks = async (page: Page): Promise<Adapt> => (await demoHooks(page)).adapt ?? {};
const waitFor = (page: Page, what: 'summary' | 'done', timeout: number) =>
  page.waitForFunction((w) => {
    const a = (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.adapt;
    return Boolean(a?.error || a?.[w]);
  }, what, { timeout });

describe.skipIf(!existsSync(CHROMIUM) || !hasReal)('the Adapt page in headless Chromium, with real records from ../shared', () => {
  let demo: DemoServer;
  let browser: Browser;
  const open = (opts: Parameters<typeof openDemo>[2] = {}) => openDemo(browser, demo.url, opts);
  const ready = (page: Page) => page.waitForFunction(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo?.adapt !== undefined, undefined, { timeout: 60_000 });

  beforeAll(async () => {
    demo = await serveDemo();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('reads a folder, fine-tunes on it, compares before and after honestly, and downloads a model Node loads', async () => {
    const dir = FOLDER ? resolve(FOLDER) : recordFolder(36, 'hospital');
    // A header whose signal file is missing: refused, in the Node scan's words.
    if (!FOLDER) {
      mkdirSync(join(dir, 'extra'));
      copyFileSync(join(REAL, 'A0002.hea'), join(dir, 'extra', 'A0002.hea'));
      // PTB-XL records in their layout, labelled by the ptbxl_database.csv beside them.
      if (existsSync(PTBXL)) {
        const sub = join(dir, 'ptbxl', 'records500', '00000');
        mkdirSync(sub, { recursive: true });
        copyFileSync(join(PTBXL, 'ptbxl_database.csv'), join(dir, 'ptbxl', 'ptbxl_database.csv'));
        for (const f of readdirSync(join(PTBXL, 'records500', '00000')).sort().slice(0, 16)) copyFileSync(join(PTBXL, 'records500', '00000', f), join(sub, f));
      }
    }
    const { page, errors, origins } = await open({ hash: '#adapt' });
    await ready(page);
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('#page-adapt input, #page-adapt button, #page-adapt progress'))
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent!.trim())))
      .map((el) => el.id));
    expect(unlabelled).toEqual([]);
    await page.setInputFiles('#adapt-folder', dir);
    await waitFor(page, 'summary', 120_000);
    const { summary, error } = await adaptHooks(page);
    expect(error).toBeUndefined();
    const s = summary!;
    const node = scanRecordsSync(dir);
    const labelled = node.records.filter((r) => r.classes.length > 0);
    expect(s.records).toBe(node.records.length);
    expect(s.labelled).toBe(labelled.length);
    if (!FOLDER) {
      const missing = scanFile(join(dir, 'extra', 'A0002.hea'));
      expect(missing.ok).toBe(false);
      expect(s.refused.map((r) => r.reason)).toContain((missing as { reason: string }).reason.replaceAll(`${dir}/`, 'hospital/'));
    }
    expect(s.problem).toBeUndefined();
    expect(s.train + s.val).toBe(s.usable);
    if (!FOLDER && existsSync(PTBXL)) expect(s.notes).toEqual(['PTB-XL hospital/ptbxl/ptbxl_database.csv: 8 records labelled by scp_codes']);
    await expect(page.locator('#adapt-counts').textContent()).resolves.toBe(`${s.files} files: ${s.records} records read, ${s.labelled} labelled with one of the 10 classes, ${s.usable} usable, ${s.refused.length} refused.`);
    await expect(page.locator('#adapt-split').textContent()).resolves.toContain(`${s.train} train / ${s.val} validation`);
    console.log(`folder: ${s.files} files, ${s.records} records, ${s.labelled} labelled, ${s.usable} usable, refused: ${s.refused.map((r) => r.reason).join(' | ')}; split ${s.train}/${s.val}; validation positives ${s.valPositives.join(' ')}`);

    // The default, adapting the findings, needs a class with 10 positives and 10 negatives among the training records: this folder has none.
    expect(await page.inputValue('#adapt-what')).toBe('findings');
    await page.click('#adapt-start');
    await waitFor(page, 'done', 300_000);
    expect((await adaptHooks(page)).error).toMatch(/^Adapting the findings needs a class with at least 10 positives and 10 negatives among the \d+ training records, and none has: adapt the image network instead, or add records\.$/);
    await expect(page.locator('#adapt-status').textContent()).resolves.toMatch(/Adapting the findings needs a class/);
    expect(await page.isDisabled('#adapt-start')).toBe(false);

    // The image network instead: one epoch, started from the keyboard.
    await page.selectOption('#adapt-what', 'network');
    await page.fill('#adapt-epochs', EPOCHS);
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let i = 0; i < 10 && (await focused()) !== 'adapt-start'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('adapt-start');
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await waitFor(page, 'done', 1_500_000);
    const a = await adaptHooks(page);
    expect(a.error).toBeUndefined();
    const done = a.done!;
    const wall = (Date.now() - t0) / 1000;
    expect(a.stepLosses!.length).toBeGreaterThan(0);
    expect(a.stepLosses!.every(Number.isFinite)).toBe(true);

    // The table: a row per class; the classes with ≥ 2 validation positives show numbers, the others "—".
    const rows = await page.locator('#adapt-auroc tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
    expect(rows).toHaveLength(10);
    const shown = rows.filter((r) => /^\d\.\d{3}$/.test(r[2]) && /^\d\.\d{3}$/.test(r[3]));
    expect(shown.length).toBe(done.comparison.macroClasses.length);
    expect(shown.length).toBeGreaterThan(0);
    for (const r of rows) if (Number(r[1]) < 2) expect(r.slice(2, 4)).toEqual(['—', '—']);
    await expect(page.locator('#adapt-auroc tfoot').textContent()).resolves.toMatch(/macro \(\d+ classes\)\d\.\d{3}\d\.\d{3}/);

    // The download, in Node: Classifier.load and ecgpu predict --model read it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#adapt-download')]);
    const modelPath = join(dir, '..', 'adapted.ecgpu');
    await download.saveAs(modelPath);
    const adapted = await Classifier.load(modelPath);
    const bundled = await Classifier.load(join(root, 'models', 'default.ecgpu'));
    try {
      expect(adapted.meta.findings!.thresholds).toEqual(done.thresholdsAfter);
      expect(done.what).toBe('network');
      expect(adapted.meta.info?.fineTuned).toMatchObject({ trainRecords: s.train, validationRecords: s.val, epochs: Number(EPOCHS) });
      // Honest comparison: the page's before/after equal Node's on the same validation records.
      const val = s.valRecords.map((p) => join(dir, '..', p));
      const probs = async (clf: Classifier) => {
        const out = new Float64Array(val.length * 10);
        for (const [i, p] of val.entries()) out.set((await clf.classify(readRecord(p, { digital: false }))).probabilities, i * 10);
        return out;
      };
      const truth = val.map((p) => ({ name: p, image: new Float32Array(0), features: [], classes: node.records.find((r) => r.path === p)!.classes }));
      const [pb, pa] = [await probs(bundled), await probs(adapted)];
      const inNode = compareValidation(truth, pb, pa, bundled.classNames);
      for (const c of done.comparison.macroClasses) {
        expect(inNode.perClass[c].before, `before, class ${c}`).toBeCloseTo(done.comparison.perClass[c].before, 3);
        expect(inNode.perClass[c].after, `after, class ${c}`).toBeCloseTo(done.comparison.perClass[c].after, 3);
      }
      const maxDiff = Math.max(...pa.map((p, i) => Math.abs(p - pb[i])));
      expect(maxDiff, 'the adapted model answers as the bundled one').toBeGreaterThan(1e-4);
      const cli = await runCli('predict', val[0], '--model', modelPath, '--backend', 'cpu');
      expect(cli.code, cli.err).toBe(0);
      expect(cli.out).toContain(basename(val[0], '.hea'));
      console.log(`adapted (the network, ${EPOCHS} epoch(s) on ${s.train} records of ${FOLDER ?? 'the test folder'}): validation macro AUROC ${done.comparison.macroBefore.toFixed(3)} → ${done.comparison.macroAfter.toFixed(3)} over ${done.comparison.macroClasses.length} classes on ${s.val} records; per class (positives: before → after) ${done.comparison.perClass.filter((r) => Number.isFinite(r.before)).map((r) => `${r.name} (${r.positives}: ${r.before.toFixed(3)} → ${r.after.toFixed(3)})`).join(', ')}; fine-tuning ${done.trainSeconds.toFixed(1)} s, Start → done ${wall.toFixed(0)} s on ${done.adapter}; max |Δp| adapted vs bundled on validation ${maxDiff.toFixed(3)}; thresholds ${done.thresholdsBefore.join(' ')} → ${done.thresholdsAfter.join(' ')}`);
    } finally {
      adapted.dispose();
      bundled.dispose();
    }
    // A 20-epoch run stopped at its first step ends after the step running, and says so.
    await page.fill('#adapt-epochs', '20');
    await page.click('#adapt-start');
    await page.waitForFunction(() => ((globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo.adapt?.stepLosses?.length ?? 0) > 0, undefined, { timeout: 300_000 });
    await page.click('#adapt-stop');
    await waitFor(page, 'done', 1_500_000);
    const again = await adaptHooks(page);
    expect(again.done!.stopped).toBe(true);
    expect(again.done!.what).toBe('network');
    expect(again.stepLosses!.length).toBeLessThan(10); // of 20 epochs × ⌊train / 8⌋ steps
    await expect(page.locator('#adapt-status').textContent()).resolves.toMatch(/^Stopped: validation macro AUROC/);
    // The worker's bundle imports nothing of Node; nothing left the page: every request went to the demo's own origin.
    expect(readFileSync(join(demo.dir, 'adapt-worker.js'), 'utf8')).not.toMatch(/\bfrom\s*["']node:/);
    expect([...origins]).toEqual([new URL(demo.url).origin]);
    await screenshotsAndClose(page, 'adapt', errors);
  }, 1_800_000);

  it('adapts the findings (the default) in the page: a head for the classes the folder has enough of, answering in Node as in the page', async () => {
    // 40 synthetic records, RBBB and ectopy in turn: 28 to learn from, 14 of each.
    const dir = join(mkdtempSync(join(tmpdir(), 'ecgpu-adapt-')), 'site');
    for (let i = 0; i < 40; i++) writeRecord(dir, generateRecord([4, 9][i % 2], 700 + i), `R${String(i).padStart(3, '0')}`);
    const { page, errors } = await open({ hash: '#adapt' });
    await ready(page);
    await page.setInputFiles('#adapt-folder', dir);
    await waitFor(page, 'summary', 120_000);
    const s = (await adaptHooks(page)).summary!;
    expect([s.train, s.val]).toEqual([28, 12]);
    await page.click('#adapt-start');
    await waitFor(page, 'done', 900_000);
    const a = await adaptHooks(page);
    expect(a.error).toBeUndefined();
    const done = a.done!;
    expect(done.what).toBe('findings');
    expect(done.headClasses).toEqual([4, 9]);
    expect(a.stepLosses!.length).toBe(5 * 150); // each member's epochs, drawn
    await expect(page.locator('#adapt-head-classes').textContent()).resolves.toBe('The learned findings answer RBBB, ectopy; the other classes keep the bundled answer (fewer than 10 positives or negatives among the training records).');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#adapt-download')]);
    const modelPath = join(dir, '..', 'adapted-findings.ecgpu');
    await download.saveAs(modelPath);
    const adapted = await Classifier.load(modelPath);
    const bundled = await Classifier.load(join(root, 'models', 'default.ecgpu'));
    try {
      expect(adapted.meta.findings!.headClasses).toEqual([4, 9]);
      expect(adapted.meta.findings!.thresholds).toEqual(done.thresholdsAfter);
      const val = s.valRecords.map((p) => join(dir, '..', p));
      const probs = async (clf: Classifier) => {
        const out = new Float64Array(val.length * 10);
        for (const [i, p] of val.entries()) out.set((await clf.classify(readRecord(p, { digital: false }))).probabilities, i * 10);
        return out;
      };
      // the class each record was written with (by its file name, R<i>.hea: i odd for ectopy), and sinus rhythm
      const truth = val.map((p) => ({ name: p, image: new Float32Array(0), features: [], classes: [Number(/^R(\d+)\.hea$/.exec(basename(p))![1]) % 2 ? 9 : 4, 0] }));
      const inNode = compareValidation(truth, await probs(bundled), await probs(adapted), bundled.classNames);
      for (const c of done.comparison.macroClasses) {
        expect(inNode.perClass[c].before, `before, class ${c}`).toBeCloseTo(done.comparison.perClass[c].before, 3);
        expect(inNode.perClass[c].after, `after, class ${c}`).toBeCloseTo(done.comparison.perClass[c].after, 3);
      }
      console.log(`adapted (the findings, on 28 synthetic records): macro AUROC ${done.comparison.macroBefore.toFixed(3)} → ${done.comparison.macroAfter.toFixed(3)} over ${done.comparison.macroClasses.length} classes; head ${done.trainSeconds.toFixed(1)} s on ${done.adapter}`);
    } finally {
      adapted.dispose();
      bundled.dispose();
    }
    await page.close();
    expect(errors).toEqual([]);
  }, 1_200_000);

  it('too few labelled records, dropped on the page: one clear line, and Start stays off', async () => {
    const dir = recordFolder(6, 'small');
    const { page, errors } = await open({ hash: '#adapt' });
    await ready(page);
    // A drop of the folder's files (a page script cannot build a dropped directory; the page reads dropped folders with webkitGetAsEntry).
    const files = readdirSync(dir).map((name) => ({ name, b64: readFileSync(join(dir, name)).toString('base64') }));
    const dt = await page.evaluateHandle((fs) => {
      const t = new DataTransfer();
      for (const f of fs) t.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      return t;
    }, files);
    await page.dispatchEvent('#adapt-drop', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#adapt-drop', 'drop', { dataTransfer: dt });
    await waitFor(page, 'summary', 60_000);
    const { summary } = await adaptHooks(page);
    expect(summary!.problem).toMatch(/^Too few labelled records to fine-tune: \d+ usable of 6 read/);
    const status = page.locator('#adapt-status');
    await expect(status.textContent()).resolves.toBe(summary!.problem);
    expect(await status.evaluate((el) => el.classList.contains('error'))).toBe(true);
    expect(await page.isDisabled('#adapt-start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU the page says fine-tuning needs it and offers nothing to run', async () => {
    const { page, errors } = await open({ hash: '#adapt', init: NO_GPU });
    await page.waitForFunction(() => !document.getElementById('adapt-needs-webgpu')!.hidden, undefined, { timeout: 60_000 });
    await expect(page.locator('#adapt-needs-webgpu').textContent()).resolves.toMatch(/Fine-tuning needs WebGPU/);
    expect(await page.isDisabled('#adapt-folder')).toBe(true);
    expect(await page.isDisabled('#adapt-start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
