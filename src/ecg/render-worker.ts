/**
 * worker_threads entry for renderItemsParallel (render-parallel.ts): renders the records it is sent
 * with the same function as the in-thread renderItems (dataset.ts renderOutcome), and answers with one
 * outcome per path: the tensor (its buffer transferred), why the record is skipped, or the message of
 * an error that must stop the run.
 */
import { parentPort } from 'node:worker_threads';
import { renderOutcome, type TensorOptions } from './dataset.js';

export interface RenderRequest { id: number; paths: string[]; opts: TensorOptions }
export type WorkerOutcome = Float32Array | { bad: string } | { error: string };
export interface RenderReply { id: number; outcomes: WorkerOutcome[] }

parentPort?.on('message', (msg: RenderRequest) => {
  const outcomes: WorkerOutcome[] = msg.paths.map((path) => {
    try {
      return renderOutcome(path, msg.opts);
    } catch (e) {
      return { error: (e as Error)?.stack ?? String(e) };
    }
  });
  const buffers = outcomes.flatMap((o) => (o instanceof Float32Array ? [o.buffer as ArrayBuffer] : []));
  parentPort!.postMessage({ id: msg.id, outcomes } satisfies RenderReply, buffers);
});
