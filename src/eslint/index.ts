// `stripe-permission-guard/eslint`: a flat-config plugin. eslint (and, for typed linting,
// typescript-eslint and typescript) are optional peers: only this subpath imports them, and only
// as types.
import type { ESLint, Linter, Rule } from 'eslint';
import pkg from '../../package.json' with { type: 'json' };
import { noUndeclaredPermission, RULE_NAME } from './no-undeclared-permission.js';

export type { NoUndeclaredPermissionOptions } from './no-undeclared-permission.js';

export interface StripePermissionGuardPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string };
  readonly rules: { readonly [RULE_NAME]: Rule.RuleModule };
  readonly configs: { readonly recommended: Linter.Config };
}

const rules = { [RULE_NAME]: noUndeclaredPermission } as const;

/**
 * The plugin. `configs.recommended` turns the rule on as an error; it finds the nearest
 * stripe-app.json above each file.
 *
 * @example
 * // eslint.config.mjs
 * import tseslint from 'typescript-eslint';
 * import stripePermissions from 'stripe-permission-guard/eslint';
 *
 * export default tseslint.config(
 *   ...tseslint.configs.recommended,
 *   { languageOptions: { parserOptions: { projectService: true } } },
 *   stripePermissions.configs.recommended,
 * );
 */
const plugin: StripePermissionGuardPlugin = {
  meta: { name: pkg.name, version: pkg.version },
  rules,
  configs: {} as StripePermissionGuardPlugin['configs'],
};

// The config refers to the plugin object itself, as flat configs require.
(plugin.configs as { recommended: Linter.Config }).recommended = {
  name: 'stripe-permission-guard/recommended',
  plugins: { 'stripe-permission-guard': plugin },
  rules: { [`stripe-permission-guard/${RULE_NAME}`]: 'error' },
};

export default plugin;
