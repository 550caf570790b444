import { defineConfig } from 'vitest/config';

// The database the tests run against is chosen once per run by test/support/global-setup.ts
// (BQX_TEST_DATABASE_URL, else a testcontainers container of the local image, else the
// embedded cluster); every test file clones its own databases from bqx_template
// (test/support/db.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    // 2 cores: at most two test files at a time
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
