// The rule with every option spelled out (the values are the defaults, but for manifest).
import stripePermissions from 'stripe-permission-guard/eslint';

export default [
  {
    plugins: { 'stripe-permission-guard': stripePermissions },
    rules: {
      'stripe-permission-guard/no-undeclared-permission': ['error', {
        manifest: 'stripe-app.json',
        strictReads: false,
        reportUnknown: true,
        reportDynamic: false,
      }],
    },
  },
];
