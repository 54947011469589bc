#!/usr/bin/env node
// The CLI entry: maps argv to one command module each, and turns expected failures into a
// one-line message and an exit code (0 ok, 1 check failed, 2 usage error or unreadable input).
import { readFileSync } from 'node:fs';
import { nearest } from '../common/nearest.js';
import { prefixed } from '../core/errors.js';
import { CliError, EXIT, flag, parse, type OptionSpec, type Parsed } from './args.js';
import { createIo, type Io } from './output.js';
import * as checkCommand from './check.js';
import * as explainCommand from './explain.js';
import * as suggestCommand from './suggest.js';
import * as reportCommand from './report.js';
import * as scanCommand from './scan.js';

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  readonly options: OptionSpec;
  run(parsed: Parsed, io: Io): number;
}

const COMMANDS: readonly Command[] = [checkCommand, explainCommand, suggestCommand, reportCommand, scanCommand];
const BIN = 'stripe-permission-guard';

const HELP = `Usage: ${BIN} <command> [options]

Map Stripe API calls to the Stripe Apps permissions they need, and check stripe-app.json.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}
  help      Show help for a command: ${BIN} help explain

Global options:
  --json         Machine-readable output on stdout (same exit code, no colors)
  -h, --help     Show help (also: <command> --help)
  -v, --version  Show the version

Exit codes:
  0  OK
  1  The check failed: manifest problems, a call not covered, a missing or unknown event,
     a permission required but not declared
  2  Usage error or unreadable input (missing file, invalid JSON report, unknown method)

Colors are used only when stdout is a terminal and NO_COLOR is not set.`;

/** The package version, read next to the built file (dist/cli.js → ../package.json). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const guess = nearest(name, [...COMMANDS.map((c) => c.name), 'help']);
  throw new CliError(
    `Unknown command "${name}".${guess ? ` Did you mean "${guess}"?` : ''} Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run: ${BIN} --help`,
  );
}

export function main(argv: readonly string[]): number {
  const json = argv.includes('--json');
  const io = createIo(json);
  const show = (text: string) => {
    io.out(text);
    return EXIT.ok;
  };
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') return show(HELP);
    if (first === '--version' || first === '-v') return show(version());
    if (first === 'help') {
      if (rest.length === 0) return show(HELP);
      return show(findCommand(rest[0]!).help);
    }
    if (first.startsWith('-') && first !== '--json') throw new CliError(`Expected a command before ${first}. Run: ${BIN} --help`);
    const command = findCommand(first === '--json' ? (rest[0] ?? '') : first);
    const parsed = parse(command.name, first === '--json' ? rest.slice(1).concat('--json') : rest, command.options);
    if (flag(parsed.values, 'help')) return show(command.help);
    if (flag(parsed.values, 'version')) return show(version());
    return command.run(parsed, io);
  } catch (e) {
    const expected = e instanceof CliError;
    const exitCode = expected ? e.exitCode : EXIT.usage;
    // Not an expected failure: a bug. The stack helps its report.
    const message = expected
      ? prefixed(e.message)
      : prefixed(
          `Unexpected error (please report it, with the command you ran, where 'npm bugs stripe-permission-guard' points): ${(e as Error)?.stack ?? String(e)}`,
        );
    io.err(message);
    // With --json every outcome is JSON on stdout, errors included.
    if (json) io.out(JSON.stringify({ error: { message, exitCode, kind: expected ? 'usage' : 'internal' } }, null, 2));
    return exitCode;
  }
}

// exitCode rather than exit(): lets stdout drain when piped.
process.exitCode = main(process.argv.slice(2));
