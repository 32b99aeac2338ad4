import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: onnxruntime and sharp use threads of their own, so two test files at a time is the ceiling.
    maxWorkers: 2,
    pool: 'forks',
  },
});
