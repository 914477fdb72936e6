/**
 * What the page exposes on `globalThis.ecgpuDemo` for the browser tests (and the curious console user):
 * the last classification's numbers and each training run's history and test logits.
 */
import type { Report } from '../../bench/table.js';
import type { AdaptDone, FolderSummary } from './adapt-protocol.js';
import type { DoneMessage } from './protocol.js';

export interface DemoHooks {
  webgpu?: boolean;
  classifyReady?: boolean;
  /** Classifications finished, with a result or an error (in #classify-status). */
  attempts?: number;
  lastResult?: { name: string; probabilities: number[]; logits: number[]; decision: number; backend: 'webgpu' | 'cpu'; milliseconds: number };
  train: Record<string, { stepLosses: number[]; done?: Omit<DoneMessage, 'bytes'>; error?: string }>;
  /** The Train page's measured speed after a run, and the larger run it offers (none: the current one fits). */
  trainOffer?: { imagesPerSecond: number; perClass?: number; epochs?: number };
  /** The Bench page's report so far (after every row), and how the run ended. */
  bench?: { running?: boolean; report?: Report; done?: boolean; error?: string };
  /** The Adapt page: what the folder held, the fine-tuning's step losses, the comparison (done) or the error. */
  adapt?: { reading?: boolean; summary?: FolderSummary; stepLosses?: number[]; done?: Omit<AdaptDone, 'bytes'>; error?: string };
}

export const hooks: DemoHooks = { train: {} };
(globalThis as unknown as { ecgpuDemo: DemoHooks }).ecgpuDemo = hooks;
