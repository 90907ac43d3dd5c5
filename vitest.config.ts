import { defineConfig } from 'vitest/config';

// Construct tests synthesize CDK apps (seconds each) and e2e tests start the local cloud: generous timeouts,
// and at most two workers on this 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
