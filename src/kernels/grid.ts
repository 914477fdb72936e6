/** Grid helpers shared by kernel launchers. */
const MAX_PER_DIM = 65535;

/** Workgroup counts for `threads` invocations in workgroups of `wg`, folded into 2-D when needed. */
export function grid1d(threads: number, wg: number): [number, number] {
  const groups = Math.ceil(threads / wg);
  if (groups <= MAX_PER_DIM) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / MAX_PER_DIM);
  return [Math.ceil(groups / y), y];
}

export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
