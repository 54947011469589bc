// The few ESTree shapes the static analysis reads. Structural on purpose: ESLint hands us espree
// or typescript-eslint nodes, `scan` typescript-estree's, and neither package may be imported here
// (they are optional peers; the types would leak into the published declarations).

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface AstNode {
  readonly type: string;
  readonly loc?: { readonly start: Position; readonly end: Position } | null;
  readonly range?: readonly [number, number];
}

type Fields = Record<string, unknown>;
const fields = (n: AstNode): Fields => n as unknown as Fields;

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A child node (or undefined) by key. */
export function child(n: AstNode | undefined, key: string): AstNode | undefined {
  if (!n) return undefined;
  const v = fields(n)[key];
  return isNode(v) ? v : undefined;
}

/** Child nodes by key, for array-valued keys (arguments, properties, params…). */
export function children(n: AstNode | undefined, key: string): readonly (AstNode | null)[] {
  if (!n) return [];
  const v = fields(n)[key];
  return Array.isArray(v) ? v.map((x) => (isNode(x) ? x : null)) : [];
}

export function str(n: AstNode | undefined, key: string): string | undefined {
  if (!n) return undefined;
  const v = fields(n)[key];
  return typeof v === 'string' ? v : undefined;
}

export function bool(n: AstNode | undefined, key: string): boolean {
  return !!n && fields(n)[key] === true;
}

/** Peels what does not change the value: `x!`, `x as T`, `<T>x`, `x satisfies T`, `(x)` chains. */
export function unwrap(n: AstNode | undefined): AstNode | undefined {
  let cur = n;
  while (
    cur &&
    (cur.type === 'TSNonNullExpression' ||
      cur.type === 'TSAsExpression' ||
      cur.type === 'TSTypeAssertion' ||
      cur.type === 'TSSatisfiesExpression' ||
      cur.type === 'ChainExpression' ||
      cur.type === 'ParenthesizedExpression')
  ) {
    cur = child(cur, 'expression');
  }
  return cur;
}

export function identifierName(n: AstNode | undefined): string | undefined {
  const u = unwrap(n);
  return u?.type === 'Identifier' ? str(u, 'name') : undefined;
}

/** The value of a string literal, or of a template literal without expressions. */
export function stringValue(n: AstNode | undefined): string | undefined {
  const u = unwrap(n);
  if (!u) return undefined;
  if (u.type === 'Literal') {
    const v = fields(u)['value'];
    return typeof v === 'string' ? v : undefined;
  }
  if (u.type === 'TemplateLiteral' && children(u, 'expressions').length === 0) return cooked(children(u, 'quasis')[0]);
  return undefined;
}

export function cooked(quasi: AstNode | null | undefined): string | undefined {
  const value = quasi ? fields(quasi)['value'] : undefined;
  const c = value && typeof value === 'object' ? (value as { cooked?: unknown }).cooked : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** The name of a property key: `a`, `'a'`, or `['a']`. */
export function propertyName(prop: AstNode): string | undefined {
  const key = child(prop, 'key');
  if (!key) return undefined;
  if (!bool(prop, 'computed') && key.type === 'Identifier') return str(key, 'name');
  return stringValue(key);
}

/** The name of a member access: `.a`, `['a']`; undefined for a computed non-literal (`[k]`) or `#private`. */
export function memberName(member: AstNode): string | undefined {
  const prop = child(member, 'property');
  if (!prop) return undefined;
  if (!bool(member, 'computed')) return prop.type === 'Identifier' ? str(prop, 'name') : undefined;
  return stringValue(prop);
}

/** The type name written in an annotation: `Stripe`, `Stripe.Stripe`, `Stripe | null` (first named part). */
export function annotatedTypeNames(annotated: AstNode | undefined): string[] {
  const wrapper = child(annotated, 'typeAnnotation');
  const t = wrapper?.type === 'TSTypeAnnotation' ? child(wrapper, 'typeAnnotation') : wrapper;
  return typeNames(t);
}

function typeNames(t: AstNode | undefined): string[] {
  if (!t) return [];
  if (t.type === 'TSUnionType') return children(t, 'types').flatMap((x) => typeNames(x ?? undefined));
  if (t.type !== 'TSTypeReference') return [];
  const name = child(t, 'typeName');
  if (name?.type === 'Identifier') return [str(name, 'name') ?? ''];
  if (name?.type === 'TSQualifiedName') return [`${identifierName(child(name, 'left')) ?? ''}.${str(child(name, 'right'), 'name') ?? ''}`];
  return [];
}

/** 1-based line, 1-based column (ESTree columns are 0-based). */
export function position(n: AstNode): { line: number; column: number } {
  const start = n.loc?.start;
  return { line: start?.line ?? 0, column: (start?.column ?? 0) + 1 };
}

/** Nodes read when looking for a function's return statements: a bound on generated code. */
const MAX_RETURN_WALK = 5_000;
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassDeclaration', 'ClassExpression']);

/**
 * The arguments of a function body's own return statements (not those of nested functions).
 *
 * @example
 * returnArguments(body) // [the NewExpression of `return new Stripe(key)`]
 */
export function returnArguments(body: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const stack: AstNode[] = [body];
  let seen = 0;
  while (stack.length && seen++ < MAX_RETURN_WALK) {
    const n = stack.pop()!;
    if (n.type === 'ReturnStatement') {
      const arg = child(n, 'argument');
      if (arg) out.push(arg);
      continue;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      for (const v of Array.isArray(value) ? value : [value]) if (isNode(v) && !FUNCTION_TYPES.has(v.type)) stack.push(v);
    }
  }
  return out;
}
