import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The examples import the package by its name; in the repository's tests that name is the sources
  // (test/package/pack-install.test.ts runs them against the packed package instead).
  resolve: {
    alias: [
      { find: /^ecgpu$/, replacement: src('index.ts') },
      { find: /^ecgpu\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One SwiftShader device is shared per test file; two cores: run files one after another
    // so GPU tests do not fight over the CPU that SwiftShader itself needs.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
