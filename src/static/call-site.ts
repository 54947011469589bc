// One Stripe call as the source writes it: the callee chain that may start at a client, and what
// the call passes (method id or raw path, literal expand paths and enabled_events, what is not a
// literal). Which expression is a client is the Collector's question (analyze.ts).
import { getCatalog } from '../map/catalog.js';
import { child, children, memberName, position, str, stringValue, unwrap, type AstNode } from './ast.js';
import { rawPath, readObject, type DynamicPart } from './params.js';

export interface CallSite {
  /** The call expression. */
  readonly node: AstNode;
  /** Where to report: the callee (`stripe.customers.update`). */
  readonly callee: AstNode;
  readonly line: number;
  readonly column: number;
  /** As written: the SDK method id, or `rawRequest GET /v1/customers/${id}`. */
  readonly call: string;
  /** For SDK methods: the method id (`customers.update`, `v2.core.events.list`). */
  readonly methodId?: string;
  /** For rawRequest with a literal verb and path (template expressions read as one id segment each). */
  readonly raw?: { readonly method: string; readonly path: string };
  readonly expand: readonly string[];
  /** Literal `enabled_events`, when the call passes them. */
  readonly enabledEvents?: readonly string[];
  readonly dynamic: readonly DynamicPart[];
}

export interface Candidate {
  readonly call: AstNode;
  readonly callee: AstNode;
  /** Possible client expressions, each with the member names that follow it. */
  readonly roots: readonly { readonly root: AstNode; readonly names: readonly string[] }[];
}

let namespaces: ReadonlySet<string> | undefined;
/** First segments of every SDK method id (`customers`, `checkout`, `v2`), plus `rawRequest`. */
function requestNamespaces(): ReadonlySet<string> {
  return (namespaces ??= new Set(['rawRequest', ...[...getCatalog().methods.keys()].map((m) => m.split('.')[0]!)]));
}

/** A call whose callee chain may start at a client (`x.customers.update(…)`), with each possible client expression. */
export function candidateOf(node: AstNode, maxChain: number): Candidate | undefined {
  const callee = unwrap(child(node, 'callee'));
  if (callee?.type !== 'MemberExpression') return undefined;
  const names: string[] = [];
  const objects: AstNode[] = [];
  let cur: AstNode | undefined = callee;
  while (cur?.type === 'MemberExpression' && names.length < maxChain) {
    const name = memberName(cur);
    if (name === undefined) return undefined;
    names.unshift(name);
    const object = unwrap(child(cur, 'object'));
    if (!object) return undefined;
    objects.unshift(object);
    cur = object;
  }
  // objects[i] is the expression names[i] is read from: each is a possible client when names[i]
  // starts a request namespace. Only those calls are kept, so `arr.map()` costs nothing later.
  const ns = requestNamespaces();
  const roots: { root: AstNode; names: readonly string[] }[] = [];
  for (let i = 0; i < names.length; i++) {
    if (!ns.has(names[i]!)) continue;
    const rest = names.slice(i);
    if (rest[0] === 'rawRequest' ? rest.length === 1 : rest.length >= 2) roots.push({ root: objects[i]!, names: rest });
  }
  return roots.length ? { call: node, callee, roots } : undefined;
}

/** The call site a candidate makes when its object `names` start at is a client. */
export function readCallSite(c: Candidate, names: readonly string[], objects: ReadonlyMap<string, AstNode | null>): CallSite {
  const args = children(c.call, 'arguments');
  const dynamic = new Set<DynamicPart>();
  const expand: string[] = [];
  let events: string[] | undefined;
  const readParams = (arg: AstNode | null | undefined) => {
    const obj = objectOf(arg, objects);
    if (obj === 'spread') dynamic.add('params');
    if (!obj || obj === 'spread') return;
    const read = readObject(obj, dynamic);
    expand.push(...read.expand);
    if (read.events) events = [...(events ?? []), ...read.events];
  };
  let methodId: string | undefined;
  let raw: CallSite['raw'];
  let call: string;
  if (names[0] === 'rawRequest') {
    const verb = stringValue(args[0] ?? undefined);
    const path = rawPath(args[1] ?? undefined, dynamic);
    call = `rawRequest ${verb ?? '<method>'} ${path?.written ?? '<path>'}`;
    if (verb && path) raw = { method: verb.toUpperCase(), path: path.path };
    else dynamic.add('path');
    readParams(args[2]);
  } else {
    methodId = names.join('.');
    call = methodId;
    for (const a of args) readParams(a);
  }
  const { line, column } = position(c.callee);
  return {
    node: c.call,
    callee: c.callee,
    line,
    column,
    call,
    ...(methodId ? { methodId } : {}),
    ...(raw ? { raw } : {}),
    expand: [...new Set(expand)],
    ...(events ? { enabledEvents: [...new Set(events as string[])] } : {}),
    dynamic: [...dynamic],
  };
}

/** An argument's object literal (directly, or a same-file `const` by name); 'spread' for `...args`. */
function objectOf(arg: AstNode | null | undefined, objects: ReadonlyMap<string, AstNode | null>): AstNode | 'spread' | undefined {
  const a = unwrap(arg ?? undefined);
  if (!a) return undefined;
  if (a.type === 'SpreadElement') return 'spread';
  if (a.type === 'ObjectExpression') return a;
  const name = a.type === 'Identifier' ? str(a, 'name') : undefined;
  return (name && objects.get(name)) || undefined;
}
