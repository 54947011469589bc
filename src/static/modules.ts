// Following a Stripe client across modules without type information: what a file imports and
// exports (ESM and CommonJS), where a relative import leads on disk, and which exports are
// clients or factories returning one. The usual UI-extension layout is `src/stripe.ts` exporting
// the client and views importing it; only type information or this can see those calls.
import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { child, children, identifierName, memberName, propertyName, str, stringValue, unwrap, type AstNode } from './ast.js';
import { isRequireOf } from './params.js';

/** What an export holds: a client instance, or a function returning one. */
export type ExportKind = 'client' | 'factory';

/** Answers what `imported` (`default`, or a name) of the module `source` (as written in `from`) is. */
export type ImportResolver = (source: string, imported: string) => ExportKind | undefined;

/** A local binding made by an import: `imported` is `default`, a name, or `*` (a namespace). */
export interface ImportBinding {
  readonly source: string;
  readonly imported: string;
  /** `require()`: the binding is module.exports, both a namespace and the default export. */
  readonly cjs?: boolean;
}

/** One export: of a local binding, of an expression, or of another module's export. */
export interface ExportEntry {
  readonly local?: string;
  readonly expr?: AstNode;
  readonly from?: { readonly source: string; readonly imported: string };
}

/** A file's imports and exports, as its AST spells them. */
export class ModuleRecorder {
  readonly imports = new Map<string, ImportBinding>();
  readonly exports = new Map<string, ExportEntry>();
  /** `export * from '…'` sources. */
  readonly exportAll: string[] = [];

  /** Reads an ImportDeclaration from a module other than stripe's. */
  importDeclaration(node: AstNode, source: string): void {
    for (const s of children(node, 'specifiers')) {
      const local = str(child(s ?? undefined, 'local'), 'name');
      if (!s || !local) continue;
      const imported =
        s.type === 'ImportDefaultSpecifier'
          ? 'default'
          : s.type === 'ImportNamespaceSpecifier'
            ? '*'
            : (str(child(s, 'imported'), 'name') ?? stringValue(child(s, 'imported')) ?? '');
      this.imports.set(local, { source, imported });
    }
  }

  /** `const x = require("…")`, `const { a, b: c } = require("…")` (or `await import("…")`). */
  declarator(id: AstNode | undefined, init: AstNode | undefined): void {
    const source = moduleSource(init);
    if (source === undefined || !id) return;
    if (id.type === 'Identifier') {
      this.imports.set(str(id, 'name')!, { source, imported: 'default', cjs: true });
      return;
    }
    if (id.type !== 'ObjectPattern') return;
    for (const p of children(id, 'properties')) {
      if (p?.type !== 'Property') continue;
      const key = propertyName(p);
      const value = child(p, 'value');
      const local = identifierName(value?.type === 'AssignmentPattern' ? child(value, 'left') : value);
      if (key && local) this.imports.set(local, { source, imported: key });
    }
  }

  exportNamed(node: AstNode): void {
    const source = stringValue(child(node, 'source'));
    const decl = child(node, 'declaration');
    if (decl?.type === 'VariableDeclaration') {
      for (const d of children(decl, 'declarations')) {
        const name = identifierName(child(d ?? undefined, 'id'));
        if (name) this.exports.set(name, { local: name });
      }
    } else if (decl) {
      const name = identifierName(child(decl, 'id'));
      if (name) this.exports.set(name, { local: name });
    }
    for (const s of children(node, 'specifiers')) {
      const local = str(child(s ?? undefined, 'local'), 'name') ?? stringValue(child(s ?? undefined, 'local'));
      const exported = str(child(s ?? undefined, 'exported'), 'name') ?? stringValue(child(s ?? undefined, 'exported'));
      if (!local || !exported) continue;
      this.exports.set(exported, source !== undefined ? { from: { source, imported: local } } : { local });
    }
  }

  exportDefault(node: AstNode): void {
    const decl = child(node, 'declaration');
    if (!decl) return;
    const name = identifierName(decl) ?? (decl.type === 'FunctionDeclaration' ? identifierName(child(decl, 'id')) : undefined);
    this.exports.set('default', name ? { local: name } : { expr: decl });
  }

  exportAllDeclaration(node: AstNode): void {
    const source = stringValue(child(node, 'source'));
    if (source !== undefined && !child(node, 'exported')) this.exportAll.push(source);
  }

  /** `module.exports = …`, `module.exports.x = …`, `exports.x = …`. True when it was one. */
  assignment(left: AstNode, right: AstNode): boolean {
    if (left.type !== 'MemberExpression') return false;
    const object = unwrap(child(left, 'object'));
    const name = memberName(left);
    if (!name) return false;
    if (identifierName(object) === 'module' && name === 'exports') {
      const value = unwrap(right);
      this.exports.set('default', { expr: right });
      // `module.exports = { stripe, getStripe: make }`: each property is a named export too.
      if (value?.type === 'ObjectExpression') {
        for (const p of children(value, 'properties')) {
          const key = p?.type === 'Property' ? propertyName(p) : undefined;
          const v = child(p ?? undefined, 'value');
          if (key && v) this.exports.set(key, { expr: v });
        }
      }
      return true;
    }
    const isExports =
      identifierName(object) === 'exports' ||
      (object?.type === 'MemberExpression' && identifierName(child(object, 'object')) === 'module' && memberName(object) === 'exports');
    if (!isExports) return false;
    this.exports.set(name, { expr: right });
    return true;
  }
}

/** The module a `require("…")` or `import("…")` (awaited or not) loads, when a literal. */
export function moduleSource(init: AstNode | undefined): string | undefined {
  let e = unwrap(init);
  if (e?.type === 'AwaitExpression') e = unwrap(child(e, 'argument'));
  if (!e) return undefined;
  if (e.type === 'ImportExpression') return relativeOnly(stringValue(child(e, 'source')));
  if (e.type === 'CallExpression' && identifierName(child(e, 'callee')) === 'require') {
    const source = stringValue(children(e, 'arguments')[0] ?? undefined);
    return source !== undefined && isRequireOf(e, source) ? relativeOnly(source) : undefined;
  }
  return undefined;
}

const relativeOnly = (s: string | undefined) => (s !== undefined && isRelative(s) ? s : undefined);

/** Only the project's own modules are followed: `./x`, `../x`, `/abs/x`. */
export function isRelative(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..' || source.startsWith('/');
}

const TS_FOR_JS: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The source file a relative import names, as TypeScript and Node resolve it: the file itself, a
 * `.ts` file for a `.js` specifier, the specifier with an extension added, or its `index` file.
 *
 * @example
 * resolveModule('/app/src/views/Home.tsx', '../stripe') // '/app/src/stripe.ts'
 */
export function resolveModule(fromFile: string, source: string): string | undefined {
  if (!isRelative(source)) return undefined;
  const base = resolve(dirname(fromFile), source);
  const ext = extname(base);
  const candidates = [
    ...(EXTENSIONS.includes(ext) ? [base, ...(TS_FOR_JS[ext] ?? []).map((e) => base.slice(0, -ext.length) + e)] : []),
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => resolve(base, `index${e}`)),
  ];
  return candidates.find(isFile);
}

/** What the module graph needs of a file: its exports, resolved with a resolver for its imports. */
export interface ModuleSummary {
  exportKind(name: string, resolver: ImportResolver): ExportKind | undefined;
  readonly exportAll: readonly string[];
}

const MAX_DEPTH = 16;

/**
 * Exports across files: `load` reads a file's summary (undefined when it cannot be read). A cycle
 * or a chain longer than 16 modules ends in "not a client", never in a loop.
 */
export class ModuleGraph {
  readonly #active = new Set<string>();
  readonly #memo = new Map<string, ExportKind | null>();

  constructor(private readonly load: (file: string) => ModuleSummary | undefined) {}

  readonly #resolvers = new Map<string, ImportResolver>();

  /** The resolver for imports written in `file` (one per file: a file's bindings are resolved once per resolver). */
  resolverFor(file: string): ImportResolver {
    let r = this.#resolvers.get(file);
    if (!r) {
      r = (source, imported) => {
        const target = resolveModule(file, source);
        return target ? this.#lookup(target, imported, 0) : undefined;
      };
      this.#resolvers.set(file, r);
    }
    return r;
  }

  #lookup(file: string, name: string, depth: number): ExportKind | undefined {
    const key = JSON.stringify([file, name]);
    if (this.#memo.has(key)) return this.#memo.get(key) ?? undefined;
    if (this.#active.has(key) || depth > MAX_DEPTH) return undefined;
    const summary = this.load(file);
    if (!summary) return undefined;
    this.#active.add(key);
    let kind: ExportKind | undefined;
    try {
      const resolver = this.resolverFor(file);
      kind = summary.exportKind(name, resolver);
      if (kind === undefined && name !== 'default') {
        for (const source of summary.exportAll) {
          const target = resolveModule(file, source);
          kind = target ? this.#lookup(target, name, depth + 1) : undefined;
          if (kind) break;
        }
      }
    } finally {
      this.#active.delete(key);
    }
    this.#memo.set(key, kind ?? null);
    return kind;
  }
}
