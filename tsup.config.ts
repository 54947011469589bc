import { defineConfig } from 'tsup';

// stripe, msw and vitest are the user's own copies: never bundle them.
const external = ['stripe', 'minimatch', 'msw', 'vitest', /^vitest\//, /^msw\//];

export default defineConfig([
  {
    // The library and its testing subpaths: ESM + CommonJS + types.
    entry: {
      index: 'src/index.ts',
      'testing/vitest': 'src/testing/vitest.ts',
      'testing/vitest-setup': 'src/testing/vitest-setup.ts',
      'testing/vitest-reporter': 'src/testing/vitest-reporter.ts',
      'testing/msw': 'src/testing/msw.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    target: 'node20',
    sourcemap: false,
    external,
  },
  {
    // The CLI: one ESM file, run by Node.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    target: 'node20',
    sourcemap: false,
    external,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
