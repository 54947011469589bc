import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['stripe-permission-guard/vitest/setup'],
    reporters: ['default', ['stripe-permission-guard/vitest/reporter', { manifest: 'stripe-app.json' }]],
  },
});
