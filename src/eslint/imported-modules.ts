// The modules a linted file imports, read from disk so that the rule without type information
// follows a client exported by another module (`src/stripe.ts` exporting it, views importing it),
// as `scan` does. They are parsed with typescript-estree when it is installed (as `scan` parses),
// else with the parser ESLint lints the file with (espree for plain JavaScript). An editor's ESLint
// server lints for hours: parsed modules are cached by path, mtime, size and parser, and the cache
// is bounded.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Collector } from '../static/analyze.js';
import { isNode, type AstNode } from '../static/ast.js';
import { ModuleGraph, type ImportResolver } from '../static/modules.js';
import { ensureParser, parseAndWalk } from '../static/parse.js';
import { MAX_FILE_BYTES } from '../static/scan.js';

const CACHE_LIMIT = 500;
const cache = new Map<string, { readonly stamp: string; readonly collector: Collector | undefined }>();

/** The parts of an ESLint parser (`languageOptions.parser`) read here. */
export interface EslintParser {
  parse?(code: string, options: Record<string, unknown>): unknown;
  parseForESLint?(code: string, options: Record<string, unknown>): { ast: unknown };
}

/** Parses `code` and calls `visit` for every node; false when it cannot be parsed. */
type Walker = (code: string, file: string, visit: (node: AstNode) => void) => boolean;

const estreeWalker: Walker = (code, file, visit) => !parseAndWalk(code, file, visit);

/** Bounds the walk of one imported module (generated or bundled code is not read in full). */
const MAX_NODES = 200_000;

function eslintWalker(parser: EslintParser): Walker {
  return (code, _file, visit) => {
    const options = { ecmaVersion: 'latest', sourceType: 'module', loc: true, range: true, ecmaFeatures: { jsx: true } };
    const parsed = parser.parseForESLint ? parser.parseForESLint(code, options).ast : parser.parse?.(code, options);
    if (!isNode(parsed)) return false;
    const stack: AstNode[] = [parsed];
    for (let seen = 0; stack.length && seen < MAX_NODES; seen++) {
      const node = stack.pop()!;
      visit(node);
      const kids: AstNode[] = [];
      for (const [key, value] of Object.entries(node)) {
        if (key === 'parent' || key === 'loc' || key === 'range' || key === 'tokens' || key === 'comments') continue;
        for (const v of Array.isArray(value) ? value : [value]) if (isNode(v)) kids.push(v);
      }
      // Source order, as a traversal visits them (the collector's bindings do not depend on it).
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return true;
  };
}

function loader(walker: Walker, id: string): (file: string) => Collector | undefined {
  return (file) => {
    let stamp: string;
    try {
      const s = statSync(file);
      if (!s.isFile() || s.size > MAX_FILE_BYTES) return undefined;
      stamp = `${id}:${s.mtimeMs}:${s.size}`;
    } catch {
      return undefined;
    }
    const hit = cache.get(file);
    if (hit?.stamp === stamp) return hit.collector;
    let collector: Collector | undefined = new Collector();
    try {
      const c = collector;
      if (!walker(readFileSync(file, 'utf8'), file, (node) => c.visit(node))) collector = undefined;
    } catch {
      // Unreadable, or not parseable by this parser (a .ts module under espree): not followed.
      collector = undefined;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(file, { stamp, collector });
    return collector;
  };
}

let estree: boolean | undefined;
function hasEstree(): boolean {
  if (estree === undefined) {
    try {
      ensureParser();
      estree = true;
    } catch {
      estree = false;
    }
  }
  return estree;
}

const estreeLoad = loader(estreeWalker, 'estree');
const byParser = new WeakMap<object, (file: string) => Collector | undefined>();
let parsers = 0;

/**
 * The resolver for the imports of the linted file, reading imported modules with typescript-estree
 * or, without it, with `parser` (the one ESLint lints the file with). Undefined when neither can.
 *
 * @example
 * collector.sites(undefined, importResolver(context.filename, context.cwd, context.languageOptions.parser))
 */
export function importResolver(filename: string, cwd: string, parser?: EslintParser, preferEstree = true): ImportResolver | undefined {
  let load: ((file: string) => Collector | undefined) | undefined;
  if (preferEstree && hasEstree()) load = estreeLoad;
  else if (parser && (typeof parser.parse === 'function' || typeof parser.parseForESLint === 'function')) {
    load = byParser.get(parser);
    // Each parser caches under its own id: a module parsed by another parser is parsed again.
    if (!load) byParser.set(parser, (load = loader(eslintWalker(parser), `parser ${++parsers}`)));
  }
  if (!load) return undefined;
  const file = isAbsolute(filename) ? filename : resolve(cwd, filename);
  // One graph per linted file: a module's answer is computed once per file, read from the cache after.
  return new ModuleGraph(load).resolverFor(file);
}
