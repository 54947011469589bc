// AST → Stripe call sites: which client calls which method (or raw path), with which literal
// `expand` and `enabled_events`, and what could not be read. Shared by the ESLint rule and `scan`,
// so both see the same calls. Nothing here decides permissions: that is explain()/check()'s job.
//
// Without type information a client is a binding initialised with `new Stripe(…)`,
// `guard(new Stripe(…))`, `x.withStripeContext(…)` of a client, a call of a function returning a
// client, or annotated `Stripe`; or one imported (ESM or CommonJS) from a module that exports a
// client or a factory (modules.ts follows them). Bindings are matched by name within the file
// (scopes are not followed): enough for the usual module-level or injected client, and the typed
// rule is exact where it matters.
import {
  annotatedTypeNames,
  child,
  children,
  identifierName,
  memberName,
  propertyName,
  returnArguments,
  str,
  stringValue,
  unwrap,
  type AstNode,
} from './ast.js';
import { candidateOf, readCallSite, type Candidate, type CallSite } from './call-site.js';
import { isRelative, ModuleRecorder, type ExportKind, type ImportResolver, type ModuleSummary } from './modules.js';
import { isRequireOf } from './params.js';

/** What could not be read from the source, per call. */
export type { DynamicPart } from './params.js';

export type { CallSite } from './call-site.js';

/** Decides from type information whether an expression is a Stripe client; `unknown` falls back to bindings. */
export type ClientClassifier = (expression: AstNode) => 'client' | 'not' | 'unknown';

/** The node types `Collector.visit` reads; the ESLint rule subscribes to exactly these. */
export const VISITED_TYPES = [
  'ImportDeclaration',
  'VariableDeclarator',
  'AssignmentExpression',
  'PropertyDefinition',
  'CallExpression',
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ExportNamedDeclaration',
  'ExportDefaultDeclaration',
  'ExportAllDeclaration',
] as const;

const MAX_FIXPOINT_ROUNDS = 8;
const MAX_CHAIN = 8;

type Known = { names: Set<string>; props: Set<string> };

/** Collects one file's bindings, exports and candidate calls; `sites()` resolves them. */
export class Collector implements ModuleSummary {
  readonly #ctors = new Set(['Stripe']);
  readonly #guards = new Set(['guard']);
  readonly #inits = new Map<string, AstNode[]>();
  readonly #annotated = new Map<string, string[]>();
  readonly #thisInits = new Map<string, AstNode[]>();
  readonly #thisAnnotated = new Map<string, string[]>();
  /** `const x = { … }`, for params passed by name; null when the name is declared twice. */
  readonly #objects = new Map<string, AstNode | null>();
  readonly #candidates: Candidate[] = [];
  /** Functions by name (declarations, and `const f = () => …`), for factories returning a client. */
  readonly #functions = new Map<string, AstNode>();
  readonly #returnsClient = new Map<AstNode, boolean>();
  readonly #modules = new ModuleRecorder();
  #resolver: ImportResolver | undefined;
  #known: Known | undefined;
  #resolving = false;

  visit(node: AstNode): void {
    switch (node.type) {
      case 'CallExpression':
        return this.#call(node);
      case 'ExportNamedDeclaration':
        return this.#modules.exportNamed(node);
      case 'ExportDefaultDeclaration':
        return this.#modules.exportDefault(node);
      case 'ExportAllDeclaration':
        return this.#modules.exportAllDeclaration(node);
      case 'VariableDeclarator':
        return this.#declarator(node);
      case 'AssignmentExpression': {
        const left = unwrap(child(node, 'left'));
        const right = child(node, 'right');
        if (left?.type === 'MemberExpression' && unwrap(child(left, 'object'))?.type === 'ThisExpression' && right) {
          const name = memberName(left);
          if (name) push(this.#thisInits, name, right);
        } else if (left?.type === 'Identifier' && right) push(this.#inits, str(left, 'name')!, right);
        else if (left && right) this.#modules.assignment(left, right);
        return;
      }
      case 'PropertyDefinition': {
        const name = propertyName(node);
        if (!name) return;
        const value = child(node, 'value');
        if (value) push(this.#thisInits, name, value);
        this.#thisAnnotated.set(name, [...(this.#thisAnnotated.get(name) ?? []), ...annotatedTypeNames(node)]);
        return;
      }
      case 'ImportDeclaration':
        return this.#import(node);
      default: {
        // Functions: parameters annotated `Stripe`, and constructor parameter properties.
        for (const p of children(node, 'params')) this.#param(p);
        const name = node.type === 'FunctionDeclaration' ? identifierName(child(node, 'id')) : undefined;
        if (name) this.#functions.set(name, node);
      }
    }
  }

  #param(p: AstNode | null): void {
    if (!p) return;
    if (p.type === 'TSParameterProperty') {
      const inner = child(p, 'parameter');
      const id = inner?.type === 'AssignmentPattern' ? child(inner, 'left') : inner;
      const name = identifierName(id);
      if (name) this.#thisAnnotated.set(name, annotatedTypeNames(id));
      return this.#param(inner ?? null);
    }
    const id = p.type === 'AssignmentPattern' ? child(p, 'left') : p;
    if (id?.type === 'Identifier') this.#annotated.set(str(id, 'name')!, [...(this.#annotated.get(str(id, 'name')!) ?? []), ...annotatedTypeNames(id)]);
  }

  #declarator(node: AstNode): void {
    const id = child(node, 'id');
    const init = child(node, 'init');
    this.#modules.declarator(id, init);
    const name = id?.type === 'Identifier' ? str(id, 'name') : undefined;
    if (!name) return;
    const fn = unwrap(init);
    if (fn?.type === 'ArrowFunctionExpression' || fn?.type === 'FunctionExpression') this.#functions.set(name, fn);
    const types = annotatedTypeNames(id);
    if (types.length) this.#annotated.set(name, [...(this.#annotated.get(name) ?? []), ...types]);
    if (init) push(this.#inits, name, init);
    // `require('stripe')` binds the constructor, like a default import.
    if (init && isRequireOf(init, 'stripe')) this.#ctors.add(name);
    const value = unwrap(init);
    this.#objects.set(name, this.#objects.has(name) || value?.type !== 'ObjectExpression' ? null : value);
  }

  #import(node: AstNode): void {
    const source = stringValue(child(node, 'source'));
    const target = source === 'stripe' ? this.#ctors : source === 'stripe-permission-guard' ? this.#guards : undefined;
    if (!target) {
      if (source !== undefined && isRelative(source)) this.#modules.importDeclaration(node, source);
      return;
    }
    for (const s of children(node, 'specifiers')) {
      if (!s) continue;
      const local = str(child(s, 'local'), 'name');
      const imported = s.type === 'ImportSpecifier' ? (str(child(s, 'imported'), 'name') ?? stringValue(child(s, 'imported'))) : undefined;
      if (!local) continue;
      if (source === 'stripe' && (s.type === 'ImportDefaultSpecifier' || imported === 'Stripe' || imported === 'default')) target.add(local);
      if (source === 'stripe' && s.type === 'ImportNamespaceSpecifier') target.add(`${local}.Stripe`);
      if (source === 'stripe-permission-guard' && imported === 'guard') target.add(local);
    }
  }

  #call(node: AstNode): void {
    const candidate = candidateOf(node, MAX_CHAIN);
    if (candidate) this.#candidates.push(candidate);
  }

  /**
   * The call sites whose object is a Stripe client, in source order. `resolver` answers what an
   * import of another module is (a client, a factory); without it imported bindings are not clients.
   */
  sites(classify?: ClientClassifier, resolver?: ImportResolver): CallSite[] {
    // No call that could be a Stripe call: no binding (nor imported module) needs resolving.
    if (!this.#candidates.length) return [];
    const known = this.#bindings(resolver);
    const isClient = (root: AstNode): boolean => {
      const verdict = classify ? classify(root) : 'unknown';
      return verdict === 'unknown' ? this.#isClientExpr(root, known, 0) : verdict === 'client';
    };
    const out: CallSite[] = [];
    for (const c of this.#candidates) {
      const hit = c.roots.find((r) => isClient(r.root));
      if (hit) out.push(readCallSite(c, hit.names, this.#objects));
    }
    return out;
  }

  /** What this file exports under `name` (`default` included), for other files importing it. */
  exportKind(name: string, resolver: ImportResolver): ExportKind | undefined {
    const known = this.#bindings(resolver);
    const entry = this.#modules.exports.get(name);
    if (!entry) return undefined;
    if (entry.from) return resolver(entry.from.source, entry.from.imported);
    if (entry.local !== undefined) return this.#kindOfName(entry.local, known);
    const e = unwrap(entry.expr);
    if (!e) return undefined;
    if (e.type === 'Identifier') return this.#kindOfName(str(e, 'name')!, known);
    if (e.type === 'ArrowFunctionExpression' || e.type === 'FunctionExpression' || e.type === 'FunctionDeclaration') {
      return this.#returns(e, known) ? 'factory' : undefined;
    }
    return this.#isClientExpr(e, known, 0) ? 'client' : undefined;
  }

  /** Whether the file makes a call that could be a Stripe call (`x.customers.list(…)`). */
  get hasCandidates(): boolean {
    return this.#candidates.length > 0;
  }

  /** Whether the file imports or requires a module of the project (only those are followed). */
  get importsModules(): boolean {
    return this.#modules.imports.size > 0;
  }

  get exportAll(): readonly string[] {
    return this.#modules.exportAll;
  }

  #kindOfName(name: string, known: Known): ExportKind | undefined {
    if (known.names.has(name)) return 'client';
    const fn = this.#functions.get(name);
    if (fn) return this.#returns(fn, known) ? 'factory' : undefined;
    const imp = this.#modules.imports.get(name);
    return imp && imp.imported !== '*' ? this.#resolver?.(imp.source, imp.imported) : undefined;
  }

  /** Bindings resolved once per resolver (a file is asked for its sites and for its exports). */
  #bindings(resolver: ImportResolver | undefined): Known {
    if (this.#known && this.#resolver === resolver) return this.#known;
    // An import cycle leads back here while resolving: answer with nothing known yet.
    if (this.#resolving) return { names: new Set(), props: new Set() };
    this.#resolver = resolver;
    this.#returnsClient.clear();
    this.#resolving = true;
    try {
      return (this.#known = this.#resolveBindings());
    } finally {
      this.#resolving = false;
    }
  }

  #resolveBindings(): Known {
    const typeNames = new Set<string>();
    for (const c of this.#ctors) {
      typeNames.add(c);
      typeNames.add(`${c}.Stripe`);
    }
    const annotated = (m: Map<string, string[]>) => new Set([...m].filter(([, ts]) => ts.some((t) => typeNames.has(t))).map(([n]) => n));
    const known = { names: annotated(this.#annotated), props: annotated(this.#thisAnnotated) };
    // Aliases (`const s = stripe`) may come before what they alias: iterate to a fixed point.
    for (let round = 0; round < MAX_FIXPOINT_ROUNDS; round++) {
      // A factory's answer may change once more bindings are known.
      this.#returnsClient.clear();
      let changed = false;
      for (const [map, set] of [
        [this.#inits, known.names],
        [this.#thisInits, known.props],
      ] as const) {
        for (const [name, inits] of map) {
          if (set.has(name) || !inits.some((i) => this.#isClientExpr(i, known, 0))) continue;
          set.add(name);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return known;
  }

  #isClientExpr(expr: AstNode | undefined, known: Known, depth: number): boolean {
    const e = unwrap(expr);
    if (!e || depth > MAX_CHAIN) return false;
    const next = (n: AstNode | undefined) => this.#isClientExpr(n, known, depth + 1);
    switch (e.type) {
      case 'Identifier': {
        const name = str(e, 'name')!;
        if (known.names.has(name)) return true;
        const imp = this.#modules.imports.get(name);
        return !!imp && imp.imported !== '*' && this.#resolver?.(imp.source, imp.imported) === 'client';
      }
      case 'AwaitExpression':
        return next(child(e, 'argument'));
      // `client ??= new Stripe(…)` has the value of either side.
      case 'AssignmentExpression':
        return next(child(e, 'right')) || next(child(e, 'left'));
      case 'MemberExpression': {
        const name = memberName(e);
        if (!name) return false;
        const object = unwrap(child(e, 'object'));
        if (object?.type === 'ThisExpression') return known.props.has(name);
        return this.#importedMember(object, name) === 'client';
      }
      case 'ConditionalExpression':
        return next(child(e, 'consequent')) || next(child(e, 'alternate'));
      case 'LogicalExpression':
        return next(child(e, 'left')) || next(child(e, 'right'));
      case 'NewExpression':
      case 'CallExpression': {
        const callee = unwrap(child(e, 'callee'));
        if (this.#isCtor(callee) || (callee && isRequireOf(callee, 'stripe'))) return true;
        if (e.type === 'NewExpression') return false;
        const fn = identifierName(callee);
        if (fn && this.#guards.has(fn)) return next(children(e, 'arguments')[0] ?? undefined);
        if (this.#isFactory(callee, known)) return true;
        if (callee?.type === 'MemberExpression' && memberName(callee) === 'withStripeContext') return next(child(callee, 'object'));
        return false;
      }
      default:
        return false;
    }
  }

  /** `ns.stripe` of a namespace import or require(), `require("…").stripe`: what that export is. */
  #importedMember(object: AstNode | undefined, name: string): ExportKind | undefined {
    if (!object || !this.#resolver) return undefined;
    const local = identifierName(object);
    const imp = local !== undefined ? this.#modules.imports.get(local) : undefined;
    if (imp && (imp.imported === '*' || imp.cjs)) return this.#resolver(imp.source, name);
    if (object.type === 'CallExpression' && identifierName(child(object, 'callee')) === 'require') {
      const source = stringValue(children(object, 'arguments')[0] ?? undefined);
      if (source !== undefined && isRelative(source)) return this.#resolver(source, name);
    }
    return undefined;
  }

  /** A function returning a client: declared in this file, or imported as one. */
  #isFactory(callee: AstNode | undefined, known: Known): boolean {
    const c = unwrap(callee);
    if (!c) return false;
    if (c.type === 'Identifier') {
      const name = str(c, 'name')!;
      const fn = this.#functions.get(name);
      if (fn) return this.#returns(fn, known);
      const imp = this.#modules.imports.get(name);
      return !!imp && imp.imported !== '*' && this.#resolver?.(imp.source, imp.imported) === 'factory';
    }
    if (c.type === 'MemberExpression') {
      const name = memberName(c);
      return !!name && this.#importedMember(unwrap(child(c, 'object')), name) === 'factory';
    }
    if (c.type === 'ArrowFunctionExpression' || c.type === 'FunctionExpression') return this.#returns(c, known);
    return false;
  }

  /** Whether a function returns a client (any of its own return statements, or its expression body). */
  #returns(fn: AstNode, known: Known): boolean {
    const memo = this.#returnsClient.get(fn);
    if (memo !== undefined) return memo;
    // Recursion (a function returning its own call) answers "no" while it is being decided.
    this.#returnsClient.set(fn, false);
    const body = child(fn, 'body');
    let result = false;
    if (body && body.type !== 'BlockStatement') result = this.#isClientExpr(body, known, 0);
    else if (body) result = returnArguments(body).some((r) => this.#isClientExpr(r, known, 0));
    this.#returnsClient.set(fn, result);
    return result;
  }

  #isCtor(callee: AstNode | undefined): boolean {
    if (!callee) return false;
    const name = identifierName(callee);
    if (name) return this.#ctors.has(name);
    // `new stripeModule.Stripe(…)`, `new Stripe.Stripe(…)`
    return callee.type === 'MemberExpression' && memberName(callee) === 'Stripe';
  }
}

function push<K>(map: Map<K, AstNode[]>, key: K, value: AstNode): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
