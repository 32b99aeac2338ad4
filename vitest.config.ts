import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup/pglite-pristine.ts'],
    // Same as bin/fair.js: the AWS SDK's Node 22 notice is noise for a pinned SDK.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: onnxruntime and sharp use threads of their own, so two test files at a time is the ceiling.
    maxWorkers: 2,
    pool: 'forks',
  },
});
