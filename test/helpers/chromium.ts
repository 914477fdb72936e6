/**
 * One page in headless Chromium (playwright-core) with WebGPU on, serving an HTML page and one bundled
 * script from 127.0.0.1 (WebGPU needs a secure context, which localhost is).
 * Tests skip when the browser binary is absent: `describe.skipIf(!existsSync(CHROMIUM))`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.ECGPU_CHROMIUM ?? '/usr/bin/chromium';

export interface ServedPage {
  browser: Browser;
  page: Page;
  /** Console messages and page errors, for failure messages. */
  logs: string[];
  close(): Promise<void>;
}

/** Headless Chromium with WebGPU on (SwiftShader when there is no GPU), quiet about the network. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Serves `html` at / and `js` at /entry.js, and opens / in headless Chromium. */
export async function openPage(html: string, js: string): Promise<ServedPage> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/entry.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const logs: string[] = [];
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const b = browser;
    return { browser: b, page, logs, close: async () => { await b.close(); await closeServer(); } };
  } catch (e) {
    await browser?.close();
    await closeServer();
    throw e;
  }
}
