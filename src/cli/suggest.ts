// `suggest --usage report.json`: the least-privilege `permissions` for what a coverage report
// (or a `scan --json` of the code) saw, keeping the manifest's purposes. Either only knows the
// calls it saw, so this prints what it would drop rather than dropping silently, --write is an
// explicit step, and nothing is dropped on usage that cannot show a permission is unused: no calls
// at all, or calls it could not judge (unknown to the map, refused before sending, not literal).
import { suggestPermissions, PURPOSE_TODO, type Suggestion } from '../coverage/least-privilege.js';
import type { Manifest } from '../config/manifest.js';
import { buildReport, mergeReports, REPORT_SCHEMA, type CoverageReport } from '../coverage/report.js';
import { SCAN_SCHEMA, scanToRecords, type ScanResult } from '../static/scan.js';
import { CliError, EXIT, flag, list, str, type OptionSpec, type Parsed } from './args.js';
import { isReadableFile, readJson } from './files.js';
import { DEFAULT_MANIFEST, readManifest, writePermissions } from './manifest-file.js';
import { paint, printJson, type Io } from './output.js';

export const name = 'suggest';
export const summary = 'Suggest least-privilege permissions from a coverage report or a scan';
export const options: OptionSpec = {
  usage: { type: 'string', multiple: true },
  manifest: { type: 'string' },
  write: { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
};
export const help = `Usage: stripe-permission-guard suggest --usage <report.json> [--manifest file] [--write]

Computes the smallest permissions array that covers every call in a coverage report (or in a
"scan --json" of your code), keeping the manifest's purposes; new entries get the purpose
"${PURPOSE_TODO}".
Prints the array and what it would add and drop. A report only knows the calls your tests made,
a scan only the calls it could read: review the drops before you write. Nothing is dropped when
the usage holds no call, or calls it could not judge (unknown to the map, refused before
sending, or with expand paths that are not literals): those may need any declared permission.

Options:
  --usage <file>     A coverage report (JSON, from the vitest reporter or "report --out") or a
                     scan (stripe-permission-guard scan --json > scan.json); repeat it to merge
                     several, of either kind
  --manifest <file>  The manifest to compare with (default ${DEFAULT_MANIFEST} when it exists)
  --write            Replace the manifest's "permissions" in place, keeping every other field,
                     key order, indentation, line endings and every kept entry's purpose; prints
                     the diff
  --allow-empty      Let --write leave "permissions" empty (refused otherwise)
  --json             Print the suggestion as JSON

Exit codes: 0 suggested (or written), 1 --write would leave no permission (without
--allow-empty), 2 unreadable report or manifest, or a usage error.`;

export function run({ values, positionals }: Parsed, io: Io): number {
  if (positionals.length)
    throw new CliError(`suggest takes no positional arguments (got ${positionals.join(' ')}); pass the report with --usage <report.json>.`);
  const usage = list(values, 'usage');
  if (!usage.length) throw new CliError('suggest needs --usage <report.json>: a coverage report written by the vitest reporter or "report --out".');
  // Several reports (shards, scans) are merged first, so the suggestion covers all of them.
  const usages = usage.map(readUsage);
  const report = mergeReports(usages.map((u) => u.report));
  const explicit = str(values, 'manifest');
  const manifestPath = explicit ?? (isReadableFile(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : undefined);
  const manifest: Manifest | undefined = manifestPath === undefined ? undefined : readManifest(manifestPath);
  const write = flag(values, 'write');
  if (write && !manifestPath) throw new CliError(`--write needs a manifest to edit: pass --manifest <file> (no ${DEFAULT_MANIFEST} here).`);

  // What the usage cannot see: no call at all, or calls it could not judge. Then no declared
  // permission is dropped: nothing shows it is unused.
  const unjudged = sortUniq([
    ...report.unknown.map((u) => u.method),
    ...(report.refused ?? []).filter((f) => f.invalid).map((f) => f.method),
    ...usages.flatMap((u) => u.dynamic),
  ]);
  const blind = report.calls.length === 0 || unjudged.length > 0;
  const current = manifest?.permissions ?? [];
  const full = suggestPermissions(report, current);
  const suggestion = blind ? suggestPermissions(report, current, { keepDeclared: true }) : full;
  const withheld = blind ? full.drop : [];
  const unchanged =
    manifest !== undefined &&
    !suggestion.add.length &&
    !suggestion.drop.length &&
    suggestion.permissions.map((e) => e.permission).join() === manifest.names.join();
  if (write && !unchanged && suggestion.permissions.length === 0 && !flag(values, 'allow-empty')) {
    throw new CliError(
      `Not written: ${manifestPath} would declare no permission. The usage holds ${report.calls.length === 0 ? 'no call' : 'only calls that need none'}; pass --allow-empty if the app really needs none.`,
      EXIT.failed,
    );
  }
  const written = write && !unchanged;
  if (written) writePermissions(manifestPath!, suggestion.permissions);

  const why =
    report.calls.length === 0
      ? 'the usage holds no call'
      : `${unjudged.length} call${unjudged.length === 1 ? '' : 's'} could not be judged (${unjudged.join(', ')})`;
  if (io.json) {
    printJson(io, {
      ...suggestion,
      withheld,
      ...(blind ? { withheldBecause: why } : {}),
      manifest: manifestPath ?? null,
      written,
      calls: report.calls.length,
      unknownCalls: report.unknown.length,
      unjudgedCalls: unjudged,
    });
    return EXIT.ok;
  }
  const p = paint(io.color);
  if (!write) io.out(JSON.stringify(suggestion.permissions, null, 2));
  io.out(diffLines(suggestion, manifestPath, p));
  if (withheld.length) io.out(p.yellow(`Kept, though no call seen needs them (${withheld.join(', ')}): ${why}.`));
  else if (blind) io.out(p.yellow(`No permission is dropped: ${why}.`));
  if (report.unknown.length) {
    io.out(
      p.yellow(
        `${report.unknown.length} call${report.unknown.length === 1 ? '' : 's'} in the report ${report.unknown.length === 1 ? 'is' : 'are'} unknown to the map and not covered by this suggestion: declare what ${report.unknown.length === 1 ? 'it needs' : 'they need'} yourself.`,
      ),
    );
  }
  if (written) io.out(`Updated ${manifestPath}.${suggestion.add.length ? ` Fill in the purpose of ${suggestion.add.join(', ')}.` : ''}`);
  else if (write) io.out(`${manifestPath} already has exactly these permissions; not written.`);
  else if (manifestPath && !unchanged) io.out(p.dim(`Run again with --write to update ${manifestPath}.`));
  return EXIT.ok;
}

const sortUniq = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * A coverage report, or a scan turned into one (each call site a record, `file:line` its test);
 * `dynamic`: the scan's call sites with parts that are not literals (`file:line call`).
 */
export function readUsage(path: string): { report: CoverageReport; dynamic: string[] } {
  const value = readJson(path, 'usage report');
  const schema = value && typeof value === 'object' ? (value as { schema?: unknown }).schema : undefined;
  if (schema === REPORT_SCHEMA) return { report: value as CoverageReport, dynamic: [] };
  if (schema === SCAN_SCHEMA && isScan(value)) {
    const result = value as ScanResult;
    const dynamic = result.sites.filter((s) => Array.isArray(s.dynamic) && s.dynamic.length).map((s) => `${s.file}:${s.line} ${s.call}`);
    return { report: buildReport(scanToRecords(result), result.declared ?? []), dynamic };
  }
  throw new CliError(
    `${path} is not a coverage report or a scan: expected "schema": "${REPORT_SCHEMA}" (or "${SCAN_SCHEMA}" from scan --json), got ${JSON.stringify(schema) ?? 'none'}.`,
  );
}

// A hand-edited or truncated scan must fail here as unreadable input, not deep in the merge.
function isScan(value: unknown): value is ScanResult {
  const sites = (value as { sites?: unknown }).sites;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    Array.isArray(sites) &&
    sites.every((s: unknown) => {
      const site = s as Partial<Record<string, unknown>> | null;
      return (
        !!site &&
        typeof site === 'object' &&
        typeof site.call === 'string' &&
        typeof site.file === 'string' &&
        Array.isArray(site.unknowns) &&
        Array.isArray(site.requirements) &&
        site.requirements.every((r: unknown) => !!r && typeof r === 'object' && strings((r as { anyOf?: unknown }).anyOf))
      );
    })
  );
}

function diffLines(s: Suggestion, manifestPath: string | undefined, p: ReturnType<typeof paint>): string {
  const against = manifestPath ?? 'an empty manifest';
  const lines = [`Compared with ${against}: ${s.keep.length} kept, ${s.add.length} to add, ${s.drop.length} to drop.`];
  for (const a of s.add) lines.push(`  ${p.green('+')} ${a}  (new: write its purpose)`);
  for (const d of s.drop) lines.push(`  ${p.red('-')} ${d}  (not needed: the rest covers every call in the report)`);
  for (const k of s.keep) lines.push(`  = ${k}`);
  return lines.join('\n');
}
