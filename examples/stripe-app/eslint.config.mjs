import uiExtensionConfig from '@stripe/ui-extension-tools/eslint.config.ui-extension.mjs';
import stripePermissions from 'stripe-permission-guard/eslint';

export default [
  { ignores: ['node_modules/**', '.build/**', 'coverage/**'] },
  ...uiExtensionConfig,
  { settings: { react: { version: 'detect' } } },
  {
    // Type information lets the permission rule find Stripe clients wherever they come from.
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The backend is Node.js CommonJS.
    files: ['backend/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Every Stripe call must be covered by stripe-app.json; tests make rejected calls on purpose.
  { ...stripePermissions.configs.recommended, ignores: ['**/*.test.*'] },
];
