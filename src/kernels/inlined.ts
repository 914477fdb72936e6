/** Filled in by the bundler (scripts/build.mjs) with every src/kernels/*.wgsl file; empty from source. */
export const inlinedSources: Record<string, string> = {};
