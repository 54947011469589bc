// eslint.config.mjs: the rule reads the nearest stripe-app.json above each file.
import stripePermissions from 'stripe-permission-guard/eslint';

export default [
  stripePermissions.configs.recommended,
];
