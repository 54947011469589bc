// Reading inputs and writing outputs. Unreadable input is a usage error (exit 2); writes go to a
// temporary file first and are renamed into place, so an interrupted write never leaves half a file.
import { writeFileSync, renameSync, statSync, unlinkSync, accessSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './args.js';
import { describeJsonError } from '../config/json.js';
import { readTextFile } from '../config/text-file.js';

// Inputs are regular files of bounded size (a coverage report of a large suite is a few MB).
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function readText(path: string, what: string, options: { keepBom?: boolean; maxBytes?: number } = {}): string {
  const read = readTextFile(path, options.maxBytes ?? MAX_INPUT_BYTES, options);
  if (!read.ok) throw new CliError(`Cannot read ${what} ${path}: ${read.message}.`);
  return read.text;
}

/** Parses JSON, naming the line and column of a syntax error; the message quotes none of the text. */
export function parseJsonText(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { where, detail } = describeJsonError(text);
    throw new CliError(`Cannot read ${what} ${path}: not valid JSON${where} (${detail}).`);
  }
}

export function readJson(path: string, what: string): unknown {
  return parseJsonText(readText(path, what), path, what);
}

/** Writes `text` to `path` through a temporary sibling and a rename, keeping the file's mode. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    mode = undefined; // a new file: the default mode
  }
  try {
    writeFileSync(tmp, text, mode === undefined ? 'utf8' : { encoding: 'utf8', mode });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw new CliError(`Cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}
