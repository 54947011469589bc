// Argument parsing shared by every command: node:util parseArgs, with our own messages for
// unknown flags (nearest suggestion) and one error type whose exit code the entry point uses.
import { parseArgs } from 'node:util';
import { nearest } from '../common/nearest.js';

/** 0: ok. 1: the check failed (problems, uncovered calls, missing permissions). 2: usage error or unreadable input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure: printed as one message, never with a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
export interface Parsed {
  readonly values: Values;
  readonly positionals: readonly string[];
}

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export function parse(command: string, args: readonly string[], options: OptionSpec): Parsed {
  const all = { ...GLOBAL_OPTIONS, ...options };
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: all, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const unknown = /Unknown option '([^']+)'/.exec((e as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
      const guess = nearest(unknown.replace(/^-+/, ''), Object.keys(all));
      throw new CliError(
        `Unknown option ${unknown} for "${command}".${guess ? ` Did you mean --${guess}?` : ''} Run: stripe-permission-guard ${command} --help`,
      );
    }
    // parseArgs' own messages name the option and what was wrong with it (a missing value, …).
    throw new CliError(`${(e as Error).message.split('\n')[0]} Run: stripe-permission-guard ${command} --help`);
  }
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** A list flag: repeatable and comma-separated (`--events a,b --events c`). */
export function list(values: Values, name: string): string[] {
  const v = values[name];
  const raw = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return raw
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
