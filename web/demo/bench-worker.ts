/**
 * The Bench page's worker: the project's bench (bench/runner.ts, the cases of bench/cases/) with ecgpu
 * against tfjs-backend-webgpu on this browser's own WebGPU adapter. It is its own bundle, so tfjs (a few
 * MB) is loaded only when the Bench page starts a run, from the demo's own folder.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { PeerName } from '../../bench/cases/common.js';
import { BACKEND } from '../../bench/peers/tfjs-ops.js';
import { runBenchIn } from '../../bench/runner.js';
import type { FromBench, ToBench } from './bench-protocol.js';

/** The commit the demo was built from (scripts/build-demo.mjs defines it). */
declare const ECGPU_BUILD_COMMIT: string;

const post = (m: FromBench) => (self as unknown as Worker).postMessage(m);
let stopRequested = false;

async function usePeer(t: typeof tf, peer: PeerName): Promise<boolean> {
  if (peer !== 'tfjs-webgpu') return false; // the page offers tfjs on WebGPU only: the comparison on the visitor's GPU
  const ok = await t.setBackend(BACKEND[peer]);
  await t.ready();
  return ok && t.getBackend() === BACKEND[peer];
}

self.onmessage = (e: MessageEvent<ToBench>) => {
  const m = e.data;
  if (m.type === 'stop') { stopRequested = true; return; }
  tf.env().set('PROD', true); // no NaN checks / debug-mode overheads, as in Node
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  post({ type: 'status', text: 'starting ecgpu and tfjs-webgpu…' });
  let total = 0;
  runBenchIn({
    size: m.size, peers: ['ecgpu', 'tfjs-webgpu'], only: m.only, runs: m.runs, budgetS: m.budgetS, command: m.command,
    e2eModes: ['train'], webgpuTrain: true, cancelled: () => stopRequested,
    log: (line) => {
      const n = /ecgpu bench: size \S+, (\d+) cases/.exec(line);
      if (n) total = Number(n[1]);
      post({ type: 'status', text: line.trim() });
    },
    onRow: (report) => post({ type: 'row', report, total }),
  }, {
    tf, usePeer,
    machine: {
      commit: typeof ECGPU_BUILD_COMMIT === 'string' ? ECGPU_BUILD_COMMIT : '?',
      cores: navigator.hardwareConcurrency ?? 0,
      cpu: nav.userAgentData?.platform || navigator.platform || '?',
      loadStart: [], uptimeStart: '', node: '', browser: navigator.userAgent,
    },
  }).then((report) => post({ type: 'done', report }), (err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
