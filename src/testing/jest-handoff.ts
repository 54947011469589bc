// How Jest workers hand their records to the reporter. Jest gives a reporter per-test results
// but no field for data of its own (vitest has task.meta), and a custom testEnvironment would
// take the place of the user's (jsdom for UI extensions). So: the reporter makes a directory
// when the run starts and names it in an environment variable, which the workers (forked, or
// threads, after onRunStart) inherit; each test file writes one JSON file there when it ends,
// written whole and renamed into place, so the reporter never reads half a file.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { CheckRecord } from '../runtime/record.js';

export const HANDOFF_ENV = 'STRIPE_PERMISSION_GUARD_JEST_DIR';
const SCHEMA = 'stripe-permission-guard/jest-handoff@1';

/** One test file's records, by Jest test name (`describe name test name`). */
export interface FileRecords {
  readonly testPath: string;
  readonly tests: readonly { readonly name: string; readonly records: readonly CheckRecord[] }[];
}

let sequence = 0;

/** Writes one test file's records into the run's directory. */
export function writeFileRecords(dir: string, data: FileRecords): void {
  mkdirSync(dir, { recursive: true });
  // pid and thread id: unique among the run's workers; the sequence: among one worker's files.
  const base = `${process.pid}-${threadId}-${++sequence}-${Date.now().toString(36)}`;
  const tmp = join(dir, `${base}.tmp`);
  writeFileSync(tmp, JSON.stringify({ schema: SCHEMA, ...data }));
  renameSync(tmp, join(dir, `${base}.json`));
}

/** Every test file's records written into `dir`. Unreadable files are skipped, not fatal. */
export function readRunRecords(dir: string): FileRecords[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const out: FileRecords[] = [];
  for (const name of names) {
    try {
      const value = JSON.parse(readFileSync(join(dir, name), 'utf8')) as FileRecords & { schema?: string };
      if (value.schema === SCHEMA && typeof value.testPath === 'string' && Array.isArray(value.tests)) out.push(value);
    } catch {
      // A worker killed mid-write leaves a .tmp, never a partial .json; anything else foreign is ignored.
    }
  }
  return out;
}
