import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The seed example has exactly 100 % capacity; its synth-time warning is asserted in tests, not printed.
    poolOptions: { forks: { execArgv: ['--disable-warning=AI_INFERENCE'] } },
  },
});
