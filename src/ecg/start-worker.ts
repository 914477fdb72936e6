/**
 * Starts a worker thread on a module beside the caller: the compiled `.js` file directly (dist/, where
 * scripts/build.mjs bundles each worker next to dist/cli.js), or from TypeScript sources through tsx's
 * loader (tsx, vitest).
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `name`: the worker module's file name without extension, in the folder of `callerUrl` (import.meta.url). */
export function startWorker(callerUrl: string, name: string): Worker {
  if (callerUrl.endsWith('.js')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const workerUrl = new URL(`./${name}.ts`, callerUrl).href;
  const tsxApi = pathToFileURL(createRequire(fileURLToPath(callerUrl)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
  return new Worker(code, { eval: true });
}
