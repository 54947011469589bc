// Rule `no-undeclared-permission`: every Stripe call in the file must be covered by the app's
// manifest. The calls come from the same analysis as `scan`, their requirements from the same
// resolver as the runtime guard, and the message is the guard's rejection for that requirement.
import type { Rule } from 'eslint';
import { Collector, VISITED_TYPES, type CallSite } from '../static/analyze.js';
import type { AstNode } from '../static/ast.js';
import { checkSite, dynamicMessage, missingMessage, refusedMessage, unknownMessage } from '../static/needs.js';
import { importResolver, type EslintParser } from './imported-modules.js';
import { manifestFor, type ManifestOptions } from './manifest-cache.js';
import { typeClassifier, type TypedServices } from './typed.js';

/** The rule's options. */
export interface NoUndeclaredPermissionOptions extends ManifestOptions {
  /** Path of stripe-app.json (relative to ESLint's cwd). Default: the nearest one above the linted file. */
  readonly manifest?: string;
  /** Reads need `X_read` itself, as with the guard's `strictReads`. Default false. */
  readonly strictReads?: boolean;
  /** Report calls the map cannot decide (unknown methods, routes, expand paths, events). Default true. */
  readonly reportUnknown?: boolean;
  /** Report calls whose expand paths, events or raw path are not literals. Default false. */
  readonly reportDynamic?: boolean;
}

export const RULE_NAME = 'no-undeclared-permission';

export const noUndeclaredPermission: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Stripe API calls (and their expand paths and event subscriptions) must be covered by the permissions stripe-app.json declares',
      recommended: true,
    },
    schema: [
      {
        type: 'object',
        properties: {
          manifest: { type: 'string' },
          overrides: { type: ['string', 'object'] },
          strictReads: { type: 'boolean' },
          reportUnknown: { type: 'boolean' },
          reportDynamic: { type: 'boolean' },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      missing: '{{message}}',
      refused: '{{message}}',
      invalid: '{{message}}',
      unknown: '{{message}}',
      dynamic: '{{message}}',
      manifest: '{{message}}',
    },
  },

  create(context) {
    const options = (context.options[0] ?? {}) as NoUndeclaredPermissionOptions;
    const collector = new Collector();
    const visit = (node: unknown) => collector.visit(node as AstNode);
    const listeners: Rule.RuleListener = {};
    for (const type of VISITED_TYPES) (listeners as Record<string, (node: unknown) => void>)[type] = visit;
    listeners['Program:exit'] = () => {
      const classify = typeClassifier(context.sourceCode.parserServices as TypedServices | undefined);
      // Imports are followed only when the file imports a module of the project (the usual client module).
      const parser = (context.languageOptions as { parser?: EslintParser } | undefined)?.parser;
      const sites = collector.sites(
        classify,
        collector.importsModules && collector.hasCandidates ? importResolver(context.filename, context.cwd, parser) : undefined,
      );
      // Files without Stripe calls cost no manifest lookup at all.
      if (sites.length) report(context, sites, options);
    };
    return listeners;
  },
};

function report(context: Rule.RuleContext, sites: readonly CallSite[], options: NoUndeclaredPermissionOptions): void {
  const at = (site: CallSite) => site.callee as unknown as Rule.Node;
  const loaded = manifestFor(context.filename, options, context.cwd);
  if (!loaded.ok) {
    // Once per file, at the first call it prevents checking.
    context.report({ node: at(sites[0]!), messageId: 'manifest', data: { message: loaded.message } });
    return;
  }
  const resolveOptions = { ...(options.strictReads ? { strictReads: true } : {}), ...(loaded.overrides ? { overrides: loaded.overrides } : {}) };
  const reportUnknown = options.reportUnknown ?? true;
  for (const site of sites) {
    const c = checkSite(site, loaded.grant, resolveOptions);
    const kind = c.verdict?.kind;
    // Refused and invalid calls: no permission helps, so none is advised (the guard refuses them too).
    if (c.verdict && (kind === 'refused' || kind === 'invalid')) {
      context.report({ node: at(site), messageId: kind, data: { message: refusedMessage(site, c.verdict) } });
      continue;
    }
    for (const m of c.missing) {
      context.report({ node: at(site), messageId: 'missing', data: { message: missingMessage(c, m, loaded.manifest.file) } });
    }
    if (reportUnknown && c.unknowns.length) context.report({ node: at(site), messageId: 'unknown', data: { message: unknownMessage(site, c.unknowns) } });
    if (options.reportDynamic && c.dynamic.length) context.report({ node: at(site), messageId: 'dynamic', data: { message: dynamicMessage(site, c.dynamic) } });
  }
}
