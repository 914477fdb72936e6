import { defineConfig } from 'vitest/config';

export default defineConfig({
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
