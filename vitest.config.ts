import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB files and the CLI are heavy; two workers match the machine's two cores.
    maxWorkers: 2,
    // Every statement the tests run (and the CLI they spawn) fails on a nested-loop join plan,
    // quick on test data and hours on a real month (src/db/database.ts).
    env: { RECON_CHECK_PLANS: '1' },
  },
});
