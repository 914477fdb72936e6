/**
 * renderItems (dataset.ts) with the records that are not in the render cache rendered in worker
 * threads, one per core: the same batch, bit for bit (the workers call the same renderOutcome; the
 * cache look-ups and writes and the batch's order stay in this thread). Rendering is ~35-75 ms per
 * record at the default's 13 × 64 × 256, so a cold cache costs the default's `npm start` a minute in
 * one thread.
 */
import { cpus } from 'node:os';
import { renderBatch, renderOutcome, type DatasetItem, type RenderItemsOptions, type RenderOutcome, type TensorBatch, type TensorOptions } from './dataset.js';
import type { RenderReply, RenderRequest } from './render-worker.js';
import { runOnWorkers, workerModuleAvailable } from './start-worker.js';

export interface ParallelRenderOptions {
  /** Worker threads (default: the number of cores). 0 or 1: render in this thread. */
  workers?: number;
  /** Below this many records to render the work stays in this thread (starting workers costs more). Default 32. */
  minParallel?: number;
  /** Records per message to a worker (default 8: small enough to share the work out evenly). */
  batch?: number;
}

export async function renderItemsParallel(items: DatasetItem[], opts: RenderItemsOptions = {}, par: ParallelRenderOptions = {}): Promise<TensorBatch> {
  const nWorkers = par.workers ?? cpus().length;
  const { cacheDir: _c, progress: _p, ...render } = opts;
  return renderBatch(items, opts, async (misses, done) => {
    const inThread = (todo: number[]) => { for (const i of todo) done(i, renderOutcome(items[i].path, render)); };
    if (nWorkers <= 1 || misses.length < (par.minParallel ?? 32) || !workerModuleAvailable(import.meta.url, 'render-worker')) {
      inThread(misses);
      return;
    }
    const finished = new Set<number>();
    try {
      await renderInWorkers(items, misses, render, nWorkers, par.batch ?? 8, (i, r) => { finished.add(i); done(i, r); });
    } catch (e) {
      if (e instanceof RenderFailure) throw e;
      // The workers themselves failed (not a record): render what is left in this thread, as the scanner does.
      process.stderr.write(`render: worker threads failed (${(e as Error).message}); rendering in-process\n`);
      inThread(misses.filter((i) => !finished.has(i)));
    }
  });
}

/** A record whose rendering threw an error that is not a reason to skip it (renderSkipReason): it stops the run. */
class RenderFailure extends Error {}

async function renderInWorkers(items: DatasetItem[], misses: number[], render: TensorOptions, nWorkers: number, batch: number, done: (i: number, r: RenderOutcome) => void): Promise<void> {
  const chunks: number[][] = [];
  for (let k = 0; k < misses.length; k += batch) chunks.push(misses.slice(k, k + batch));
  await runOnWorkers<RenderReply>(import.meta.url, 'render-worker', chunks.length, nWorkers,
    (id) => ({ id, paths: chunks[id].map((i) => items[i].path), opts: render } satisfies RenderRequest),
    (m) => {
      for (const [k, o] of m.outcomes.entries()) {
        if ('error' in o) throw new RenderFailure(`rendering ${items[chunks[m.id][k]].path} in a worker thread failed: ${o.error}`);
        done(chunks[m.id][k], o);
      }
    });
}
