// `explain <method | "VERB /path">`: what a call needs and why, and with --manifest whether the
// manifest covers it. An unknown method or route is a usage error (exit 2): most often a typo,
// and there is nothing to explain; unknown expand paths are reported but do not fail.
import { explain, check, type CheckResult, type Explanation, type HttpCall } from '../explain.js';
import { formatExplanation } from '../format.js';
import { checkEvents, type EventCheck } from '../events.js';
import type { ResolveOptions } from '../core/resolve.js';
import { CliError, EXIT, flag, list, str, type OptionSpec, type Parsed } from './args.js';
import { readManifest } from './manifest-file.js';
import { eventsFailed, formatEvents, paint, printJson, type Io } from './output.js';
import { API_HOST } from '../map/routes.js';
import { compileOverrides, type CompiledOverrides } from '../config/overrides.js';

export const name = 'explain';
export const summary = 'Show the permissions a Stripe call needs, and why';
export const options: OptionSpec = {
  expand: { type: 'string', multiple: true },
  manifest: { type: 'string' },
  'api-version': { type: 'string' },
  'strict-reads': { type: 'boolean' },
  overrides: { type: 'string' },
  events: { type: 'string', multiple: true },
};
export const help = `Usage: stripe-permission-guard explain <method | "VERB /path"> [options]

Prints what a call needs (the endpoint and each expand path) and why.
  stripe-permission-guard explain customers.update --expand default_source
  stripe-permission-guard explain "GET /v1/customers/cus_1?expand[]=default_source"

Options:
  --expand a,b       Expand paths (repeatable)
  --manifest <file>  Also tell whether this manifest's permissions cover the call
  --api-version <v>  The API version the call is sent with (e.g. 2024-06-20): expand paths
                     are judged against it (default: the newest the map records)
  --strict-reads     Reads need X_read itself (X_write does not count)
  --overrides <file> Your own entries (JSON: { permissions?, routes? }); they beat the map
  --events a,b       Also show (or, with --manifest, check) what these event types need;
                     the call may then be omitted
  --json             Print the result as JSON

Exit codes: 0 explained (and covered, with --manifest), 1 not covered by the manifest or an
event missing/unknown, 2 unknown method or route, unreadable manifest, or a usage error.`;

const VERBS = /^(GET|POST|DELETE|PUT|PATCH|HEAD)$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

/** A method id, or an HTTP request line (`GET /v1/…` or a full https://api.stripe.com URL). */
export function parseTarget(words: readonly string[], expand: readonly string[]): string | HttpCall {
  const parts = words.join(' ').trim().split(/\s+/);
  if (parts.length === 1 && !parts[0]!.includes('/')) return parts[0]!;
  if (parts.length !== 2 || !VERBS.test(parts[0]!)) {
    throw new CliError(
      `Cannot read "${words.join(' ')}" as a call: give an SDK method id (customers.update) or a quoted "VERB /path" ("GET /v1/customers/cus_1").`,
    );
  }
  let target = parts[1]!;
  let host: string | undefined;
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    target = url.pathname + url.search;
    if (url.hostname !== API_HOST) host = url.hostname;
  }
  if (!target.startsWith('/')) throw new CliError(`The path of "${words.join(' ')}" must start with "/" (e.g. /v1/customers).`);
  const extra = expand.map((e) => `expand[]=${encodeURIComponent(e)}`).join('&');
  const path = extra ? `${target}${target.includes('?') ? '&' : '?'}${extra}` : target;
  return { method: parts[0]!.toUpperCase(), path, ...(host ? { host } : {}) };
}

export function run({ values, positionals }: Parsed, io: Io): number {
  const types = list(values, 'events');
  if (positionals.length === 0 && types.length === 0)
    throw new CliError('explain needs a call: a method id (customers.update) or "VERB /path". Run: stripe-permission-guard explain --help');
  const expand = list(values, 'expand');
  const manifestPath = str(values, 'manifest');
  const overridesPath = str(values, 'overrides');
  let overrides: CompiledOverrides | undefined;
  try {
    overrides = overridesPath === undefined ? undefined : compileOverrides(overridesPath, 'explain');
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^\[stripe-permission-guard\] /, ''));
  }
  const manifest = manifestPath === undefined ? undefined : readManifest(manifestPath, overrides ? { extraPermissions: overrides.permissions } : undefined);
  const apiVersion = str(values, 'api-version');
  if (apiVersion !== undefined && !API_VERSION.test(apiVersion)) {
    throw new CliError(`--api-version takes a Stripe API version such as 2024-06-20 or 2025-03-31.basil, got "${apiVersion.slice(0, 40)}".`);
  }
  const resolveOptions: ResolveOptions = {
    ...(flag(values, 'strict-reads') ? { strictReads: true } : {}),
    ...(overrides ? { overrides } : {}),
    ...(apiVersion ? { apiVersion } : {}),
  };
  const granted = manifest?.names ?? [];
  const events: EventCheck[] = types.length ? checkEvents(types, granted) : [];

  let explanation: Explanation | undefined;
  let result: CheckResult | undefined;
  if (positionals.length) {
    const target = parseTarget(positionals, expand);
    if (manifest) {
      result = typeof target === 'string' ? check(target, { expand }, granted, resolveOptions) : check(target, granted, resolveOptions);
      explanation = result.explanation;
    } else {
      explanation = typeof target === 'string' ? explain(target, { expand }, resolveOptions) : explain(target, resolveOptions);
    }
  }
  const unknownCall = explanation?.status === 'unknown' && !explanation.route;
  const failed = (result !== undefined && !result.allowed) || eventsFailed(events, manifest !== undefined);
  const code = unknownCall ? EXIT.usage : failed ? EXIT.failed : EXIT.ok;
  // The reason carries the nearest method id when there is one.
  const unknownMessage = `[stripe-permission-guard] Unknown call: ${explanation?.reason ?? explanation?.unknowns.map((u) => u.reason).join('; ')}.`;

  if (io.json) {
    // An unknown method id is only that: it has no path, so nothing about one can be invalid.
    const call = unknownCall && typeof positionals[0] === 'string' && positionals.length === 1 && explanation ? withoutInvalid(explanation) : explanation;
    printJson(io, {
      ...(call ? { call } : {}),
      ...(manifest ? { manifest: manifest.file } : {}),
      ...(result && !unknownCall ? { covered: result.allowed, missing: result.missing, satisfied: result.satisfied } : {}),
      ...(types.length ? { events } : {}),
    });
    if (unknownCall) io.err(unknownMessage);
    return code;
  }
  const p = paint(io.color);
  if (unknownCall) io.err(unknownMessage);
  else if (explanation) {
    io.out(formatExplanation(explanation, result));
    if (manifest && result) {
      io.out(result.allowed ? p.green(`${manifest.file} covers this call.`) : p.red(`${manifest.file} does not cover this call.`));
    }
  }
  if (events.length) io.out(formatEvents(events, manifest !== undefined, p));
  return code;
}

function withoutInvalid(explanation: Explanation): Explanation {
  const { invalid: _invalid, ...rest } = explanation;
  return rest;
}
