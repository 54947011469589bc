// Runs the examples' own tests with permission coverage:
//   npm run coverage:examples
// Reporter options can be overridden from the environment for the repo's own tests of this setup.
import { defineConfig } from 'vitest/config';

const env = process.env;
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['tests/**/*.spec.mjs'],
    setupFiles: ['stripe-permission-guard/vitest/setup'],
    reporters: [
      'default',
      [
        'stripe-permission-guard/vitest/reporter',
        {
          outputFile: env.SPG_OUTPUT ?? 'coverage/stripe-permissions.json',
          markdownFile: env.SPG_MARKDOWN ?? 'coverage/stripe-permissions.md',
          manifest: 'backend/stripe-app.json',
          // The backend's "tags a customer" test needs customer_write, which its manifest lacks —
          // on purpose, to show the report. Your project keeps the default, true: the run fails.
          failOnUndeclared: env.SPG_FAIL_ON_UNDECLARED === 'true',
          failOnUnused: env.SPG_FAIL_ON_UNUSED === 'true',
        },
      ],
    ],
  },
});
