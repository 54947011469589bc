import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Some tests start a whole test run or CLI in a child process: on a loaded 2-core machine
    // that takes several seconds. Timing is measured in `npm run bench`, never asserted here.
    testTimeout: 30_000,
  },
});
