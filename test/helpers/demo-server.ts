/**
 * The demo (web/demo) built by scripts/build-demo.mjs into a temporary folder and served from 127.0.0.1
 * (WebGPU needs a secure context, which localhost is), for the Chromium tests of its pages.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoHooks } from '../../web/demo/hooks.js';

export const root = join(import.meta.dirname, '..', '..');
/** Where the demo tests put their screenshots. */
export const SHOTS = join(root, 'dist', 'screenshots');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

export interface DemoServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** The built demo's folder. */
  dir: string;
  /** Paths the browser asked for, in order (a test can tell which bundles a page loaded). */
  requested: string[];
  close(): Promise<void>;
}

export async function serveDemo(): Promise<DemoServer> {
  const { buildDemo } = (await import(join(root, 'scripts', 'build-demo.mjs'))) as { buildDemo: (o: { outdir: string }) => Promise<string> };
  const dir = await buildDemo({ outdir: mkdtempSync(join(tmpdir(), 'ecgpu-demo-')) });
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    requested.push(path);
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, dir, requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A fresh page of the demo with its console errors and the origins it requested from collected (data:
 * and blob: URLs aside); `init` runs before the page's scripts.
 */
export async function openDemo(browser: Browser, url: string, opts: { hash?: string; init?: string; viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; errors: string[]; origins: Set<string> }> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 }, acceptDownloads: true });
  const errors: string[] = [];
  const origins = new Set<string>();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('data:') && !r.url().startsWith('blob:')) origins.add(new URL(r.url()).origin); });
  if (opts.init) await page.addInitScript(opts.init);
  await page.goto(url + (opts.hash ?? ''));
  return { page, errors, origins };
}

/** Screenshots at 1280×800 and at phone width (390 px: nothing may stick out sideways) into SHOTS; then no console errors; closes the page. */
export async function screenshotsAndClose(page: Page, name: string, errors: string[]): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `demo-${name}-1280x800.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, `demo-${name}-phone.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} page wider than a phone`).toBeLessThanOrEqual(390);
  expect(errors).toEqual([]);
  await page.close();
}

/** The page's test hooks (web/demo/hooks.ts). */
export const demoHooks = (page: Page): Promise<DemoHooks> => page.evaluate(() => (globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo);
