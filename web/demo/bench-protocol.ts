/** Messages between the Bench page and its worker (web/demo/bench-worker.ts, the only code that loads tfjs). */
import type { SizeName } from '../../bench/cases/common.js';
import type { Report } from '../../bench/table.js';

export interface BenchStart {
  type: 'start';
  size: SizeName;
  /** Bench groups (gemm, conv, e2e, …; see bench/runner.ts). */
  only: string[];
  runs: number;
  budgetS: number;
  /** How the page was asked for (the report's `command`). */
  command: string;
}
export type ToBench = BenchStart | { type: 'stop' };

export type FromBench =
  | { type: 'status'; text: string }
  /** The report so far, after each case; `total` cases in all. */
  | { type: 'row'; report: Report; total: number }
  | { type: 'done'; report: Report }
  | { type: 'error'; message: string };
