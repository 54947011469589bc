// Parsing source files for `scan`, with typescript-estree (the parser typescript-eslint uses, so
// the AST is the one the ESLint rule sees). It is an optional peer: loaded on first use, from the
// user's project first (where their typescript-eslint lives), then from next to this package.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AstNode } from './ast.js';

interface Estree {
  parse(code: string, options: Record<string, unknown>): AstNode;
  simpleTraverse(root: AstNode, options: { enter: (node: AstNode) => void }): void;
}

let estree: Estree | undefined;

/** How typescript-estree is reached: directly, or through the packages that depend on it (pnpm hides it). */
const CHAINS: readonly (readonly string[])[] = [
  ['@typescript-eslint/typescript-estree'],
  ['typescript-eslint', '@typescript-eslint/parser', '@typescript-eslint/typescript-estree'],
  ['@typescript-eslint/parser', '@typescript-eslint/typescript-estree'],
];

// The CommonJS build has __filename; the ESM build has import.meta.url.
const here = typeof __filename === 'string' ? __filename : import.meta.url;

function load(): Estree {
  if (estree) return estree;
  for (const base of [join(process.cwd(), 'noop.js'), here]) {
    for (const chain of CHAINS) {
      try {
        let req = createRequire(base);
        let resolved = '';
        for (const id of chain) {
          resolved = req.resolve(id);
          req = createRequire(resolved);
        }
        const mod = req(resolved) as Partial<Estree>;
        if (typeof mod.parse === 'function' && typeof mod.simpleTraverse === 'function') return (estree = mod as Estree);
      } catch {
        // not reachable this way: try the next
      }
    }
  }
  throw new ParserMissingError();
}

export class ParserMissingError extends Error {
  override readonly name = 'ParserMissingError';
  constructor() {
    super(
      'Reading source files needs @typescript-eslint/typescript-estree, which comes with typescript-eslint: npm install --save-dev typescript-eslint typescript',
    );
  }
}

/** Throws ParserMissingError when the parser is not installed. */
export function ensureParser(): void {
  load();
}

export interface ParseFailure {
  readonly message: string;
  readonly line?: number;
}

/** Parses a file (JSX only where the extension allows it) and calls `enter` for every node. */
export function parseAndWalk(code: string, file: string, enter: (node: AstNode) => void): ParseFailure | undefined {
  const parser = load();
  // `.ts` cannot take JSX (`<T>x` is a type assertion there); JavaScript files may use it.
  const jsx = !/\.[cm]?ts$/i.test(file);
  let ast: AstNode;
  try {
    // No filePath: typescript-estree then does per-file work (twice the parse time) that a
    // syntax-only parse does not need; jsx picks the TSX or TS grammar.
    ast = parser.parse(code, { loc: true, range: true, jsx, comment: false, tokens: false });
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number };
    return { message: String(err.message ?? e).split('\n')[0]!, ...(typeof err.lineNumber === 'number' ? { line: err.lineNumber } : {}) };
  }
  parser.simpleTraverse(ast, { enter });
  return undefined;
}
