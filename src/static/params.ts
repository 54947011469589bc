// Reading a Stripe call's arguments from the source: the literal `expand` and `enabled_events` of
// a params object, a rawRequest path (template expressions stand for ids), `require('stripe')`.
// What is not a literal is recorded as such, never guessed.
import { child, children, cooked, identifierName, propertyName, stringValue, unwrap, type AstNode } from './ast.js';
/** A part of a call the analysis cannot read from literals. */
export type DynamicPart = 'expand' | 'enabled_events' | 'path' | 'params';

/** What a template expression stands for in a raw path: one id segment. */
const PLACEHOLDER = '_';

export function isRequireOf(n: AstNode, id: string): boolean {
  const e = unwrap(n);
  return e?.type === 'CallExpression' && identifierName(child(e, 'callee')) === 'require' && stringValue(children(e, 'arguments')[0] ?? undefined) === id;
}

/** Top-level `expand` and `enabled_events` of a params object literal. */
export function readObject(obj: AstNode, dynamic: Set<DynamicPart>): { expand: string[]; events?: string[] } {
  const expand: string[] = [];
  let events: string[] | undefined;
  let seenExpand = false;
  let spreadAfterExpand = false;
  for (const p of children(obj, 'properties')) {
    if (!p) continue;
    if (p.type === 'SpreadElement') {
      // A spread may carry (or replace) `expand`: unknowable unless an explicit expand follows it.
      spreadAfterExpand = true;
      continue;
    }
    const key = propertyName(p);
    if (key !== 'expand' && key !== 'enabled_events') continue;
    const list = literalStrings(child(p, 'value'));
    if (key === 'expand') {
      seenExpand = true;
      spreadAfterExpand = false;
      if (list) expand.push(...list);
      else dynamic.add('expand');
    } else if (list) events = list;
    else dynamic.add('enabled_events');
  }
  if (spreadAfterExpand || (!seenExpand && children(obj, 'properties').some((p) => p?.type === 'SpreadElement'))) dynamic.add('expand');
  return { expand, ...(events ? { events } : {}) };
}

function literalStrings(n: AstNode | undefined): string[] | undefined {
  const arr = unwrap(n);
  if (arr?.type !== 'ArrayExpression') return undefined;
  const out: string[] = [];
  for (const el of children(arr, 'elements')) {
    const s = stringValue(el ?? undefined);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/** A raw path: a literal, or a template whose expressions stand for whole or partial id segments. */
export function rawPath(n: AstNode | undefined, dynamic: Set<DynamicPart>): { path: string; written: string } | undefined {
  const literal = stringValue(n);
  if (literal !== undefined) return literal.startsWith('/') ? { path: literal, written: literal } : undefined;
  const t = unwrap(n);
  if (t?.type !== 'TemplateLiteral') return undefined;
  const quasis = children(t, 'quasis').map((q) => cooked(q) ?? '');
  // The static text must fix the version and resource: `/v1/customers/${id}`, not `${base}/x`.
  if (!quasis[0]?.startsWith('/') || quasis[0].split('/').length < 3) return undefined;
  let path = quasis[0];
  let written = quasis[0];
  for (let i = 1; i < quasis.length; i++) {
    // An expression in the query may hold expand[]=…: the path is still known, the expands are not.
    if (path.includes('?')) dynamic.add('expand');
    path += PLACEHOLDER + quasis[i];
    written += '${…}' + quasis[i];
  }
  return { path, written };
}
