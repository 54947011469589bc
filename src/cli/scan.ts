// `scan [paths…]`: the Stripe calls in source files and what they need, read with the same
// analysis as the ESLint rule and resolved by the runtime's resolver. With --manifest it gates CI:
// a call needing an undeclared permission exits 1. Its --json is accepted by `suggest --usage`.
import { scan, type ScanResult, type ScannedRequirement } from '../static/scan.js';
import { ensureParser, ParserMissingError } from '../static/parse.js';
import { CliError, EXIT, flag, str, type OptionSpec, type Parsed } from './args.js';
import { readManifest } from './manifest-file.js';
import { paint, printJson, type Io, type Paint } from './output.js';
import { plural } from '../common/text.js';

export const name = 'scan';
export const summary = 'List the Stripe calls in source files and the permissions they need';
export const options: OptionSpec = {
  manifest: { type: 'string' },
  'strict-reads': { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
};
export const help = `Usage: stripe-permission-guard scan [paths...] [--manifest stripe-app.json] [--json]

Reads .ts, .tsx, .js, .jsx, .mjs and .cjs files (default: the current directory; node_modules,
dist and hidden directories are skipped, files over 1 MiB too) and lists each Stripe call site
(file:line) with what it needs — the method, its literal expand paths and enabled_events — and
the union of all of them. Clients are found as the ESLint rule finds them without type
information: bindings made with new Stripe(…), guard(new Stripe(…)), withStripeContext(…), a
function returning a client, or annotated Stripe; and clients or such functions imported from
the project's own modules (ESM or CommonJS, re-exports followed), as in src/stripe.ts
exporting the client and views importing it.

Options:
  --manifest <file>  Also list what the manifest is missing (exit 1) and what it declares that
                     no call site needs
  --strict-reads     Reads need X_read itself (X_write does not count)
  --allow-empty      Exit 0 when no Stripe call is found (by default that fails: a scan that
                     finds no client proves nothing)
  --json             Print the result as JSON (accepted by: suggest --usage <scan.json>); it
                     counts the files read ("files") and the call sites found ("calls")

Needs @typescript-eslint/typescript-estree (installed with typescript-eslint).

Exit codes: 0 scanned (and covered, with --manifest), 1 a call site needs a permission the
manifest does not declare, a call no permission allows (refused by Stripe for every app, or
refused before sending), or no Stripe call found (without --allow-empty), 2 unreadable
manifest, missing parser, or a usage error.`;

export function run({ values, positionals }: Parsed, io: Io): number {
  const manifestPath = str(values, 'manifest');
  const manifest = manifestPath === undefined ? undefined : readManifest(manifestPath);
  try {
    ensureParser();
  } catch (e) {
    if (e instanceof ParserMissingError) throw new CliError(e.message);
    throw e;
  }
  const result = scan(positionals, { ...(manifest ? { manifest } : {}), ...(flag(values, 'strict-reads') ? { strictReads: true } : {}) });
  const empty = result.calls === 0 && !flag(values, 'allow-empty');
  const failed = (result.missing?.length ?? 0) > 0 || result.refused.length > 0 || empty;
  if (io.json) printJson(io, result);
  else io.out(format(result, paint(io.color)));
  if (empty) {
    io.err(
      `Found no Stripe call in ${plural(result.files, 'file')}: no client was found, or it is made where the scan cannot follow (a package import, a path alias). Nothing was checked. Pass --allow-empty if that is expected.`,
    );
  }
  return failed ? EXIT.failed : EXIT.ok;
}

const needs = (r: { anyOf: readonly string[] }) => (r.anyOf.length === 1 ? r.anyOf[0]! : `one of ${r.anyOf.join(', ')}`);

function requirementLine(r: ScannedRequirement, p: Paint): string {
  const mark = r.missing ? p.red('✗') : r.satisfiedBy ? p.green('✓') : '•';
  const by = r.missing ? p.red(`  missing: add ${r.missing}`) : r.satisfiedBy ? p.dim(`  (${r.satisfiedBy})`) : '';
  return `      ${mark} ${r.expand ? `${r.because}: ` : ''}${needs(r)}${by}`;
}

export function format(result: ScanResult, p: Paint): string {
  const lines = [`Scanned ${plural(result.files, 'file')}: ${plural(result.sites.length, 'Stripe call site')}.`];
  if (result.sites.length) lines.push('', 'Call sites:');
  for (const s of result.sites) {
    const extra = [s.expand.length ? `expand ${s.expand.join(', ')}` : '', s.enabledEvents ? `events ${s.enabledEvents.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`  ${s.file}:${s.line}  ${p.bold(s.call)}${extra ? `  (${extra})` : ''}`);
    if (s.refused) lines.push(`      ${p.red('⊗')} refused for every app: ${s.refused.reason}. Instead: ${s.refused.instead}`);
    for (const why of s.invalid ?? []) lines.push(`      ${p.red('⊗')} refused before sending: ${why}`);
    for (const r of s.requirements) lines.push(requirementLine(r, p));
    if (s.status === 'none' && !s.requirements.length) lines.push('      · needs no permission');
    for (const u of s.unknowns) lines.push(`      ${p.yellow('?')} ${u.because}: ${u.reason}`);
    if (s.dynamic.length) lines.push(`      ${p.yellow('~')} not literal: ${s.dynamic.join(', ')} (not checked)`);
  }
  if (result.needed.length) {
    lines.push('', `Needed by the code (${plural(result.needed.length, 'requirement')}):`);
    const width = Math.max(...result.needed.map((n) => needs(n).length));
    for (const n of result.needed) lines.push(`  ${needs(n).padEnd(width)}  ${n.sites.join(', ')}`);
  }
  if (result.refused.length) {
    lines.push('', p.red(`No permission allows ${plural(result.refused.length, 'call')}: change the code`));
    for (const r of result.refused) lines.push(`  ${p.red('⊗')} ${r}`);
  }
  if (result.manifest) {
    const missing = result.missing ?? [];
    // Nothing found proves nothing: never an all-clear for zero calls.
    const verdict = missing.length
      ? p.red(`Missing from ${result.manifest} (${missing.length}):`)
      : result.calls === 0
        ? p.yellow(`No Stripe call found: ${result.manifest} was not checked against anything.`)
        : result.refused.length
          ? `${result.manifest} declares every permission the other call sites need.`
          : p.green(`${result.manifest} covers every call site.`);
    lines.push('', verdict);
    for (const m of missing)
      lines.push(`  ${p.red('✗')} ${m.permission} — ${m.sites.join('; ')}`, p.dim(`      Fix: stripe apps grant permission "${m.permission}" "<purpose>"`));
    const unused = result.unused ?? [];
    if (unused.length) {
      lines.push('', `Declared but needed by no call site (${unused.length}):`);
      for (const u of unused) lines.push(`  · ${u}`);
      lines.push(p.dim('  Calls the scan cannot see (params passed in variables, clients made elsewhere) may still need them.'));
    }
  }
  const unknown = result.sites.filter((s) => s.unknowns.length).length;
  const dynamic = result.sites.filter((s) => s.dynamic.length).length;
  if (unknown || dynamic) {
    lines.push(
      '',
      p.yellow(
        `${plural(unknown, 'call site')} the map cannot decide, ${plural(dynamic, 'call site')} with non-literal parts: declare what they need yourself.`,
      ),
    );
  }
  if (result.skipped.length) {
    lines.push('', p.yellow(`Skipped (${result.skipped.length}):`));
    for (const s of result.skipped) lines.push(`  ${s.file}: ${s.reason}`);
  }
  return lines.join('\n');
}
