// The modules a linted file imports, read from disk so that the rule without type information
// follows a client exported by another module (`src/stripe.ts` exporting it, views importing it),
// as `scan` does. An editor's ESLint server lints for hours: parsed modules are cached by path,
// mtime and size (an edited module is read again), and the cache is bounded.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Collector } from '../static/analyze.js';
import { ModuleGraph, type ImportResolver } from '../static/modules.js';
import { ensureParser, parseAndWalk } from '../static/parse.js';
import { MAX_FILE_BYTES } from '../static/scan.js';

const CACHE_LIMIT = 500;
const cache = new Map<string, { readonly stamp: string; readonly collector: Collector | undefined }>();

function load(file: string): Collector | undefined {
  let stamp: string;
  try {
    const s = statSync(file);
    if (!s.isFile() || s.size > MAX_FILE_BYTES) return undefined;
    stamp = `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.collector;
  let collector: Collector | undefined = new Collector();
  try {
    const c = collector;
    if (parseAndWalk(readFileSync(file, 'utf8'), file, (node) => c.visit(node))) collector = undefined;
  } catch {
    // Unreadable, or no parser installed: the import is not followed.
    collector = undefined;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(file, { stamp, collector });
  return collector;
}

let parser: boolean | undefined;
function hasParser(): boolean {
  if (parser === undefined) {
    try {
      ensureParser();
      parser = true;
    } catch {
      parser = false;
    }
  }
  return parser;
}

/**
 * The resolver for the imports of the linted file: undefined when typescript-estree (which reads
 * the imported files) is not installed, and imports are then not followed.
 */
export function importResolver(filename: string, cwd: string): ImportResolver | undefined {
  if (!hasParser()) return undefined;
  const file = isAbsolute(filename) ? filename : resolve(cwd, filename);
  // One graph per linted file: a module's answer is computed once per file, read from the cache after.
  return new ModuleGraph(load).resolverFor(file);
}
