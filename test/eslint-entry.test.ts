// eslint, typescript-eslint and typescript are optional peers of the eslint subpath and of scan:
// the main entry must load without them, and the plugin must not load them at runtime either.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const PEERS = /(?:from\s*|require\(\s*|import\(\s*)["'](eslint|typescript|typescript-eslint|@typescript-eslint\/[^"']+)["']/;

/** Every module `entry` loads, following relative imports and requires through the shared chunks. */
function closure(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/(?:from\s*|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) visit(join(dirname(file), m[1]!));
  };
  visit(join(DIST, entry));
  return seen;
}

describe('optional peers stay optional (npm test builds first)', () => {
  it.each(['index.js', 'index.cjs', 'eslint.js', 'eslint.cjs', 'testing/msw.js', 'testing/vitest.js'])(
    '%s and its chunks import no eslint or typescript',
    (entry) => {
      const files = closure(entry);
      // The main entry is one file; the subpaths share chunks (the closure follows them).
      expect(files.size).toBeGreaterThan(entry.startsWith('index.') ? 0 : 1);
      for (const [file, text] of files) expect(PEERS.exec(text)?.[1], file).toBeUndefined();
    },
  );

  it('the main entry is one file per format: every module file a process loads at start costs import time', () => {
    expect([...closure('index.js').keys()]).toEqual([join(DIST, 'index.js')]);
    expect([...closure('index.cjs').keys()]).toEqual([join(DIST, 'index.cjs')]);
  });

  it('the check itself can fail: it sees a peer import', () => {
    expect(PEERS.exec('import { ESLint } from "eslint";')?.[1]).toBe('eslint');
    expect(PEERS.exec('const ts = require("typescript");')?.[1]).toBe('typescript');
    // scan resolves the parser lazily (createRequire), so the CLI names it without importing it.
    expect([...closure('cli.js').values()].some((text) => text.includes('"@typescript-eslint/typescript-estree"'))).toBe(true);
  });

  it('the built plugin loads in both module systems', async () => {
    const esm = (await import(join(DIST, 'eslint.js'))) as { default: { rules: Record<string, unknown> } };
    const cjs = createRequire(import.meta.url)(join(DIST, 'eslint.cjs')) as { default: { rules: Record<string, unknown>; meta: { name: string } } };
    expect(Object.keys(esm.default.rules)).toEqual(['no-undeclared-permission']);
    expect(cjs.default.meta.name).toBe('stripe-permission-guard');
  });
});
