// `suggest --usage report.json`: the least-privilege `permissions` for what a coverage report
// saw, keeping the manifest's purposes. A report only knows the calls the tests made, so this
// prints what it would drop rather than dropping silently, and --write is an explicit step.
import { suggestPermissions, PURPOSE_TODO, type Suggestion } from '../least-privilege.js';
import type { Manifest } from '../manifest.js';
import { mergeReports } from '../report.js';
import { CliError, EXIT, flag, list, str, type OptionSpec, type Parsed } from './args.js';
import { isReadableFile } from './files.js';
import { DEFAULT_MANIFEST, readManifest, writePermissions } from './manifest-file.js';
import { paint, printJson, type Io } from './output.js';
import { readReport } from './report.js';

export const name = 'suggest';
export const summary = 'Suggest least-privilege permissions from a coverage report';
export const options: OptionSpec = {
  usage: { type: 'string', multiple: true },
  manifest: { type: 'string' },
  write: { type: 'boolean' },
};
export const help = `Usage: stripe-permission-guard suggest --usage <report.json> [--manifest file] [--write]

Computes the smallest permissions array that covers every call in a coverage report, keeping the
manifest's purposes; new entries get the purpose "${PURPOSE_TODO}".
Prints the array and what it would add and drop. A report only knows the calls your tests made:
review the drops before you write.

Options:
  --usage <file>     The coverage report (JSON, from the vitest reporter or "report --out");
                     repeat it to merge several
  --manifest <file>  The manifest to compare with (default ${DEFAULT_MANIFEST} when it exists)
  --write            Replace the manifest's "permissions" in place, keeping every other field,
                     key order, indentation and line endings
  --json             Print the suggestion as JSON

Exit codes: 0 suggested (or written), 2 unreadable report or manifest, or a usage error.`;

export function run({ values, positionals }: Parsed, io: Io): number {
  if (positionals.length) throw new CliError(`suggest takes no positional arguments (got ${positionals.join(' ')}); pass the report with --usage <report.json>.`);
  const usage = list(values, 'usage');
  if (!usage.length) throw new CliError('suggest needs --usage <report.json>: a coverage report written by the vitest reporter or "report --out".');
  // Several reports (shards) are merged first, so the suggestion covers all of them.
  const report = mergeReports(usage.map(readReport));
  const explicit = str(values, 'manifest');
  const manifestPath = explicit ?? (isReadableFile(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : undefined);
  const manifest: Manifest | undefined = manifestPath === undefined ? undefined : readManifest(manifestPath);
  const write = flag(values, 'write');
  if (write && !manifestPath) throw new CliError(`--write needs a manifest to edit: pass --manifest <file> (no ${DEFAULT_MANIFEST} here).`);

  const suggestion = suggestPermissions(report, manifest?.permissions ?? []);
  const unchanged = manifest !== undefined && !suggestion.add.length && !suggestion.drop.length
    && suggestion.permissions.map((e) => e.permission).join() === manifest.names.join();
  const written = write && !unchanged;
  if (written) writePermissions(manifestPath!, suggestion.permissions);

  if (io.json) {
    printJson(io, { ...suggestion, manifest: manifestPath ?? null, written, unknownCalls: report.unknown.length });
    return EXIT.ok;
  }
  const p = paint(io.color);
  if (!write) io.out(JSON.stringify(suggestion.permissions, null, 2));
  io.out(diffLines(suggestion, manifestPath, p));
  if (report.unknown.length) {
    io.out(p.yellow(`${report.unknown.length} call${report.unknown.length === 1 ? '' : 's'} in the report ${report.unknown.length === 1 ? 'is' : 'are'} unknown to the map and not covered by this suggestion: declare what ${report.unknown.length === 1 ? 'it needs' : 'they need'} yourself.`));
  }
  if (written) io.out(`Updated ${manifestPath}.${suggestion.add.length ? ` Fill in the purpose of ${suggestion.add.join(', ')}.` : ''}`);
  else if (write) io.out(`${manifestPath} already has exactly these permissions; not written.`);
  else if (manifestPath && !unchanged) io.out(p.dim(`Run again with --write to update ${manifestPath}.`));
  return EXIT.ok;
}

function diffLines(s: Suggestion, manifestPath: string | undefined, p: ReturnType<typeof paint>): string {
  const against = manifestPath ?? 'an empty manifest';
  const lines = [`Compared with ${against}: ${s.keep.length} kept, ${s.add.length} to add, ${s.drop.length} to drop.`];
  for (const a of s.add) lines.push(`  ${p.green('+')} ${a}  (new: write its purpose)`);
  for (const d of s.drop) lines.push(`  ${p.red('-')} ${d}  (not needed: the rest covers every call in the report)`);
  for (const k of s.keep) lines.push(`  = ${k}`);
  return lines.join('\n');
}
