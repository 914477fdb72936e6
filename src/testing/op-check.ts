/**
 * The op-table checks, shared by the Node test suite (test/engine/op-table.test.ts) and the browser
 * test runner (web/test-runner): for an op and one of its cases,
 *  1. the GPU forward against the float64 TypeScript reference (random + edge shapes);
 *  2. the GPU backward against central finite differences of the float64 reference forward, for a
 *     loss L = sum(out · R) with a fixed random R. Tolerances are stated per op (defaults below).
 * Needs an initialised engine; runs anywhere the engine runs (no Node APIs, no test framework).
 */
import { apply, inputDtype, opTable, type OpCase, type OpSpec } from '../autograd/op.js';
import { backward } from '../autograd/backward.js';
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { mulberry32 } from '../reference/random.js';
import { host, type HostTensor } from '../reference/host-tensor.js';

export const FORWARD_TOL = { atol: 1e-4, rtol: 1e-4 };
export const GRAD_TOL = { atol: 2e-3, rtol: 2e-2 };
export const MAX_CHECKED_PER_INPUT = 48;

/** max |a-b| and whether every element is within atol + rtol·|b|. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number) {
  let maxAbs = 0, maxRel = 0, worst = -1, ok = a.length === b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= atol + rtol * Math.abs(b[i]))) {
      if (ok || d > maxAbs) worst = i;
      ok = false;
    }
    if (!(d <= maxAbs)) maxAbs = d;
    const r = d / Math.max(Math.abs(b[i]), 1e-12);
    if (r > maxRel && Math.abs(b[i]) > atol) maxRel = r;
  }
  return { ok, maxAbs, maxRel, worst, detail: worst >= 0 ? `at ${worst}: got ${a[worst]}, want ${b[worst]}` : '' };
}

export function makeInputs(c: OpCase<unknown>, seed: number): number[][] {
  const rand = mulberry32(seed);
  if (c.inputs) return c.inputs(rand);
  return c.shapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1));
}

export const caseLabel = (c: OpCase<unknown>) =>
  `${c.shapes.map((s) => `[${s}]`).join(' ')}${c.label ? ` (${c.label})` : ''} ${JSON.stringify(c.attrs)}`;

/** The cases the gradient check runs on: gradCases, or the first case. Empty when the op has no backward. */
export const gradCasesOf = (op: OpSpec<any>): OpCase<unknown>[] => (op.backward ? (op.gradCases ?? op.cases.slice(0, 1)) : []);

export interface ForwardCheck {
  gotShape: number[];
  wantShape: number[];
  /** Shapes equal and every value within tolerance. */
  ok: boolean;
  /** Values within tolerance (meaningful when the shapes agree). */
  valuesOk: boolean;
  maxAbs: number;
  detail: string;
}

/** Forward of case `k` of `op` against its reference. */
export async function checkForward(op: OpSpec<any>, c: OpCase<unknown>, k: number): Promise<ForwardCheck> {
  const data = makeInputs(c, 1000 + k);
  const want = op.reference(data.map((d, i) => host(d, c.shapes[i])), c.attrs);
  const out = tidy(() => apply(op, data.map((d, i) => Tensor.from(d, c.shapes[i], inputDtype(op, i))), c.attrs).keep());
  const gotShape = [...out.shape];
  let got: Float32Array;
  try {
    got = await out.read();
  } finally {
    out.dispose();
  }
  const tol = op.tolerance ?? FORWARD_TOL;
  const r = compare(got, want.data, tol.atol, tol.rtol);
  const shapeOk = gotShape.join() === want.shape.join();
  return { gotShape, wantShape: [...want.shape], ok: shapeOk && r.ok, valuesOk: r.ok, maxAbs: r.maxAbs, detail: r.detail };
}

export interface GradInputCheck {
  input: number;
  ok: boolean;
  maxAbs: number;
  detail: string;
}

/** Backward of gradient case `k` of `op` against finite differences, per differentiable input. */
export async function checkGradient(op: OpSpec<any>, c: OpCase<unknown>, k: number): Promise<GradInputCheck[]> {
  const data = makeInputs(c, 2000 + k);
  const rand = mulberry32(77 + k);
  const outShape = op.reference(data.map((d, i) => host(d, c.shapes[i])), c.attrs).shape;
  const R = Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1);
  const diff = (i: number) => op.differentiable?.[i] !== false;
  const leaves = data.map((d, i) => {
    const t = Tensor.from(d, c.shapes[i], inputDtype(op, i)).keep();
    t.requiresGrad = diff(i);
    return t;
  });
  const results: GradInputCheck[] = [];
  try {
    tidy(() => {
      const out = apply(op, leaves, c.attrs);
      backward(out, Tensor.from(R, out.shape));
    });
    const loss = (inputs: HostTensor[]) => {
      const o = op.reference(inputs, c.attrs);
      let s = 0;
      for (let j = 0; j < o.data.length; j++) s += o.data[j] * R[j];
      return s;
    };
    const tol = op.gradTolerance ?? GRAD_TOL;
    for (let i = 0; i < leaves.length; i++) {
      if (!diff(i)) continue;
      const got = await leaves[i].grad!.read();
      const n = data[i].length;
      const pick = n <= MAX_CHECKED_PER_INPUT ? [...Array(n).keys()] : Array.from({ length: MAX_CHECKED_PER_INPUT }, () => Math.floor(rand() * n));
      const numeric: number[] = [], analytic: number[] = [];
      for (const j of pick) {
        const h = 1e-3 * Math.max(1, Math.abs(data[i][j]));
        const at = (delta: number) => loss(data.map((d, m) => { const x = host(d, c.shapes[m]); if (m === i) x.data[j] += delta; return x; }));
        numeric.push((at(h) - at(-h)) / (2 * h));
        analytic.push(got[j]);
      }
      const r = compare(analytic, numeric, tol.atol, tol.rtol);
      results.push({ input: i, ok: r.ok, maxAbs: r.maxAbs, detail: r.detail });
    }
  } finally {
    for (const t of leaves) { t.grad?.dispose(); t.dispose(); }
  }
  return results;
}

export interface CaseResult {
  op: string;
  kind: 'forward' | 'gradient';
  label: string;
  ok: boolean;
  maxAbs: number;
  detail: string;
  ms: number;
}

export interface OpTableSummary {
  ops: string[];
  passed: number;
  failed: number;
  results: CaseResult[];
  ms: number;
}

export interface OpCheckReport {
  op: string;
  passed: number;
  failed: number;
  results: CaseResult[];
}

/**
 * Every check of one op: its forward on each case against its reference, then (unless `gradients` is
 * false) its backward on each gradient case against finite differences. The op need not be in the
 * table (a spec not passed through defineOp is checked the same). Never throws per case: a case that
 * throws is a failed result whose detail says what it threw.
 */
export async function checkOp(op: OpSpec<any>, opts: { gradients?: boolean } = {}): Promise<OpCheckReport> {
  const results: CaseResult[] = [];
  const run = async (kind: CaseResult['kind'], c: OpCase<unknown>, fn: () => Promise<{ ok: boolean; maxAbs: number; detail: string }>) => {
    const t = performance.now();
    let r: { ok: boolean; maxAbs: number; detail: string };
    try {
      r = await fn();
    } catch (e) {
      r = { ok: false, maxAbs: NaN, detail: `threw: ${(e as Error)?.message ?? e}` };
    }
    results.push({ op: op.name, kind, label: caseLabel(c), ok: r.ok, maxAbs: r.maxAbs, detail: r.detail, ms: performance.now() - t });
  };
  for (const [k, c] of op.cases.entries()) {
    await run('forward', c, async () => {
      const f = await checkForward(op, c, k);
      const detail = f.gotShape.join() !== f.wantShape.join() ? `shape [${f.gotShape}] ≠ [${f.wantShape}]` : f.detail;
      return { ok: f.ok, maxAbs: f.maxAbs, detail };
    });
  }
  if (opts.gradients !== false) {
    for (const [k, c] of gradCasesOf(op).entries()) {
      await run('gradient', c, async () => {
        const g = await checkGradient(op, c, k);
        const bad = g.filter((x) => !x.ok);
        return {
          ok: bad.length === 0,
          maxAbs: Math.max(0, ...g.map((x) => x.maxAbs)),
          detail: bad.map((x) => `input ${x.input}: max abs err ${x.maxAbs.toExponential(2)} ${x.detail}`).join('; '),
        };
      });
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  return { op: op.name, passed: results.length - failed, failed, results };
}

/** One line per check: `ok   add forward [3,5] [3,5] {} max abs err 0.00e+0`, failures with their detail. */
export function formatResults(results: readonly CaseResult[]): string {
  return results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.op} ${r.kind} ${r.label}  max abs err ${r.maxAbs.toExponential(2)}${r.ok ? '' : `  ${r.detail}`}`).join('\n');
}

/** Runs every check of every op in the table (or those whose name `only` accepts). Never throws per case. */
export async function runOpTable(opts: { gradients?: boolean; only?: (name: string) => boolean } = {}): Promise<OpTableSummary> {
  const t0 = performance.now();
  const ops = (opTable as OpSpec<any>[]).filter((op) => !opts.only || opts.only(op.name));
  const results: CaseResult[] = [];
  for (const op of ops) results.push(...(await checkOp(op, { gradients: opts.gradients })).results);
  const failed = results.filter((r) => !r.ok).length;
  return { ops: ops.map((o) => o.name), passed: results.length - failed, failed, results, ms: performance.now() - t0 };
}
