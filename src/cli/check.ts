// `check [--manifest file]`: validates a manifest (every problem at once) and, with --events, the event
// types the app subscribes to. The manifest is the thing checked, so its problems exit 1;
// only a file that cannot be read at all is a usage error (exit 2).
import { loadManifest, type Manifest } from '../config/manifest.js';
import { compileOverrides } from '../config/overrides.js';
import { plural } from '../common/text.js';
import { ManifestError, type ManifestProblem } from '../core/errors.js';
import { impliedPermissions } from '../map/permissions.js';
import { PURPOSE_TODO } from '../coverage/least-privilege.js';
import { checkEvents, type EventCheck } from '../events.js';
import { CliError, EXIT, list, str, type OptionSpec, type Parsed } from './args.js';
import { isReadableFile } from './files.js';
import { DEFAULT_MANIFEST } from './manifest-file.js';
import { eventsFailed, formatEvents, paint, printJson, type Io } from './output.js';

export const name = 'check';
export const summary = 'Validate stripe-app.json (and event subscriptions)';
export const options: OptionSpec = { manifest: { type: 'string' }, events: { type: 'string', multiple: true }, overrides: { type: 'string' } };
export const help = `Usage: stripe-permission-guard check [--manifest <file>] [--events a,b] [--json]

Validates a manifest (default ${DEFAULT_MANIFEST}), following "extends", and prints every problem
with its file and entry: unknown names (with the nearest one), missing purposes, duplicates, …

Options:
  --manifest <file>   The manifest to check; a path without the flag is read the same way
                      (check stripe-app.dev.json)
  --events a,b        Also check that the manifest's permissions cover these event types
                      (repeatable; "*" means every event type)
  --overrides <file>  Your own entries (JSON: { permissions?, routes? }): names in
                      "permissions" are accepted as permissions
  --json              Print the result as JSON

Exit codes: 0 valid (warnings allowed), 1 errors in the manifest or an event not covered/unknown,
2 the manifest file cannot be read or a usage error.`;

const MAX_IMPLIED_LISTED = 6;

export function run({ values, positionals }: Parsed, io: Io): number {
  const flagged = str(values, 'manifest');
  if (positionals.length > (flagged === undefined ? 1 : 0)) {
    const given = [...(flagged === undefined ? [] : [flagged]), ...positionals];
    throw new CliError(`check takes one manifest, got ${given.length}: ${given.join(' ')}. Pass it as --manifest <file>.`);
  }
  const file = flagged ?? positionals[0] ?? DEFAULT_MANIFEST;
  if (!isReadableFile(file)) throw new CliError(`Cannot read manifest ${file}: no such file. Pass the path of your app's stripe-app.json.`);
  const overridesPath = str(values, 'overrides');
  let extraPermissions: readonly string[] = [];
  try {
    if (overridesPath !== undefined) extraPermissions = compileOverrides(overridesPath, 'check').permissions;
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^\[stripe-permission-guard\] /, ''));
  }
  let manifest: Manifest | undefined;
  let problems: readonly ManifestProblem[];
  try {
    manifest = loadManifest(file, { extraPermissions });
    problems = [...manifest.warnings, ...placeholderPurposes(manifest)];
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    problems = e.problems;
  }
  const types = list(values, 'events');
  // Events are checked only against a valid manifest: an invalid one grants nothing reliable.
  const events: EventCheck[] = manifest && types.length ? checkEvents(types, manifest.names) : [];
  const errors = problems.filter((p) => p.severity === 'error');
  const failed = errors.length > 0 || eventsFailed(events, true);

  if (io.json) {
    printJson(io, { file, valid: errors.length === 0, permissions: manifest?.names ?? [], problems, ...(types.length ? { events } : {}) });
    return failed ? EXIT.failed : EXIT.ok;
  }
  const p = paint(io.color);
  for (const problem of problems) {
    const mark = problem.severity === 'error' ? p.red('✗') : p.yellow('!');
    io.out(`  ${mark} ${problem.file}: ${problem.entry}: ${problem.message}`);
  }
  const warnings = problems.length - errors.length;
  if (!manifest) {
    io.out(p.red(`${file}: ${plural(errors.length, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}.`));
    if (types.length) io.out(p.dim('Events not checked: fix the manifest first.'));
    return EXIT.failed;
  }
  io.out(summaryLine(manifest, warnings, p.green('✓')));
  if (events.length) io.out(formatEvents(events, true, p));
  return failed ? EXIT.failed : EXIT.ok;
}

/**
 * Purposes still holding the placeholder `suggest --write` inserts: the manifest is valid, but
 * installing users would read "TODO" and app review would ask.
 */
function placeholderPurposes(manifest: Manifest): ManifestProblem[] {
  const entries = Array.isArray(manifest.raw.permissions) ? (manifest.raw.permissions as unknown[]) : [];
  return entries.flatMap((entry, i) => {
    const { permission, purpose } = (entry ?? {}) as { permission?: unknown; purpose?: unknown };
    return typeof purpose === 'string' && purpose.trim() === PURPOSE_TODO
      ? [
          {
            file: manifest.file,
            entry: `permissions[${i}].purpose`,
            message: `still the placeholder from suggest --write: say why the app needs ${String(permission)} (installing users read it)`,
            severity: 'warning' as const,
          },
        ]
      : [];
  });
}

function summaryLine(manifest: Manifest, warnings: number, ok: string): string {
  const n = manifest.names.length;
  const implied = impliedPermissions(manifest.names).filter((x) => !manifest.names.includes(x));
  const shown = implied.slice(0, MAX_IMPLIED_LISTED).join(', ') + (implied.length > MAX_IMPLIED_LISTED ? `, … (+${implied.length - MAX_IMPLIED_LISTED})` : '');
  return [
    `${ok} ${manifest.file}: ${plural(n, 'permission')}, valid${warnings ? ` with ${plural(warnings, 'warning')}` : ''}.`,
    ...(implied.length ? [`  Also granted by implication: ${shown}`] : []),
  ].join('\n');
}
