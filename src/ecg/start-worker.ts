/**
 * Starts a worker thread on a module beside the caller: from TypeScript sources (tsx, vitest) through
 * tsx's loader, otherwise the compiled `<name>.js` beside the calling bundle (dist/, where
 * scripts/build.mjs puts each worker next to dist/cli.js). A bundle that ships no worker file (the GPU
 * kit's check.mjs) has none to start: callers ask workerModuleAvailable first, or fall back when the
 * worker fails to start.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const fromSources = (callerUrl: string) => callerUrl.endsWith('.ts');

/** tsx's ESM API as a file URL, resolved from the caller; undefined where tsx is not installed. */
function tsxApi(callerUrl: string): string | undefined {
  try {
    return pathToFileURL(createRequire(fileURLToPath(callerUrl)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return undefined;
  }
}

/** Whether startWorker(callerUrl, name) has a module to run: the source and tsx, or `<name>.js` beside the bundle. */
export function workerModuleAvailable(callerUrl: string, name: string): boolean {
  if (!callerUrl.startsWith('file:')) return false;
  if (fromSources(callerUrl)) return existsSync(fileURLToPath(new URL(`./${name}.ts`, callerUrl))) && tsxApi(callerUrl) !== undefined;
  return existsSync(fileURLToPath(new URL(`./${name}.js`, callerUrl)));
}

/** `name`: the worker module's file name without extension, in the folder of `callerUrl` (import.meta.url). */
export function startWorker(callerUrl: string, name: string): Worker {
  if (!fromSources(callerUrl)) return new Worker(new URL(`./${name}.js`, callerUrl));
  const workerUrl = new URL(`./${name}.ts`, callerUrl).href;
  const api = tsxApi(callerUrl);
  if (!api) throw new Error(`cannot start the worker ${name}.ts: tsx is not installed`);
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Jobs 0 … jobs−1 shared out over up to `threads` workers of module `name` (beside `callerUrl`): each
 * worker gets the next job's message (`request(id)`) as soon as it has replied to its previous one, so
 * the work evens out; each reply (carrying its job's `id`) goes to `onReply`, which may throw to end the
 * run with that error. Rejects if a worker fails or exits early; the workers are terminated either way.
 */
export async function runOnWorkers<Reply extends { id: number }>(
  callerUrl: string, name: string, jobs: number, threads: number, request: (id: number) => unknown, onReply: (reply: Reply) => void,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(threads, jobs) }, () => startWorker(callerUrl, name));
  try {
    await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
      const send = () => {
        if (next >= jobs) { res(); return; }
        w.postMessage(request(next++));
      };
      w.on('message', (m: Reply) => {
        try { onReply(m); } catch (e) { rej(e); return; }
        send();
      });
      w.on('error', rej);
      w.on('exit', (code) => { if (next < jobs || code !== 0) rej(new Error(`${name.replace('-', ' ')} exited with code ${code}`)); });
      send();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
