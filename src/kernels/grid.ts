/** Grid helpers shared by kernel launchers. */
const MAX_PER_DIM = 65535;

/** Workgroup counts for `threads` invocations in workgroups of `wg`, folded into 2-D when needed. */
export function grid1d(threads: number, wg: number): [number, number] {
  const groups = Math.ceil(threads / wg);
  if (groups <= MAX_PER_DIM) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / MAX_PER_DIM);
  return [Math.ceil(groups / y), y];
}

/**
 * Element-wise entry points come as a scalar `name` and a vec4 `name4`: one vec4 per invocation when
 * the size allows (~2× faster on SwiftShader), else the scalar one, 4 elements per invocation either way.
 */
export function vec4Entry(entry: string, size: number): { entry: string; workgroups: [number, number]; vec4: boolean } {
  const vec4 = size % 4 === 0;
  return { entry: vec4 ? `${entry}4` : entry, workgroups: grid1d(Math.ceil(size / 4), 64), vec4 };
}

export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
