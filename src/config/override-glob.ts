// The globs of override patterns, compiled into a small automaton matched in one pass over the
// input: time linear in its length, whatever the pattern (a backtracking regular expression can
// take exponential time on a long id). The syntax is minimatch's, as its makeRe() reads it:
// `*` (within a segment; a whole segment needs one character), `?`, `[a-z]`, `[!x]`, `{a,b}`, and
// `**` for any number of segments. Extglobs (`+(…)`, `@(…)`, `!(…)`, `*(…)`, `?(…)`) are refused.

/** One step of the automaton: a character test, or a loop (`star` within a segment, `all` across). */
type Token =
  | { readonly t: 'char'; readonly c: string }
  | { readonly t: 'any' }
  | { readonly t: 'class'; readonly test: (c: string) => boolean }
  | { readonly t: 'star' }
  | { readonly t: 'all' }
  | { readonly t: 'end' };

/** A compiled glob: `test` runs in time linear in the input's length. */
export interface Glob {
  test(input: string): boolean;
}

/** Why a pattern is refused: says what to write instead. */
export class GlobError extends Error {
  override readonly name = 'GlobError';
}

const MAX_PATTERN = 512;
const MAX_ALTERNATIVES = 256;
const EXTGLOB = /[+@!*?]\(/;

/**
 * Compiles a glob. Throws a GlobError for what it refuses: extglobs, patterns longer than 512
 * characters, braces expanding to more than 256 alternatives, unbalanced braces or brackets.
 *
 * @example
 * compileGlob('/v1/climate/**').test('/v1/climate/orders/climorder_1') // true
 */
export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN) throw new GlobError(`the pattern is longer than ${MAX_PATTERN} characters; use "**" or "*" for the varying part`);
  const ext = EXTGLOB.exec(pattern);
  if (ext && pattern[ext.index - 1] !== '\\') {
    throw new GlobError(
      `extglobs such as "${ext[0]}…)" are not supported (they can take exponential time to match); write one entry per alternative, or use {a,b}`,
    );
  }
  const flat: Token[] = [];
  const starts: number[] = [];
  for (const alternative of expandBraces(pattern)) {
    for (const tokens of globstars(alternative)) {
      starts.push(flat.length);
      flat.push(...tokens, { t: 'end' });
      if (starts.length > MAX_ALTERNATIVES)
        throw new GlobError(`the pattern expands to more than ${MAX_ALTERNATIVES} alternatives; split it into several entries`);
    }
  }
  return { test: (input) => run(flat, starts, input) };
}

/** Thompson simulation: the set of live token positions, advanced once per input character. */
function run(tokens: readonly Token[], starts: readonly number[], input: string): boolean {
  let live = closure(tokens, starts);
  for (let i = 0; i < input.length && live.length; i++) {
    const ch = input[i]!;
    const next: number[] = [];
    for (const s of live) {
      const tok = tokens[s]!;
      if (tok.t === 'star') {
        if (ch !== '/') next.push(s);
      } else if (tok.t === 'all') next.push(s);
      else if ((tok.t === 'char' && tok.c === ch) || (tok.t === 'any' && ch !== '/') || (tok.t === 'class' && ch !== '/' && tok.test(ch))) next.push(s + 1);
    }
    live = closure(tokens, next);
  }
  return live.some((s) => tokens[s]!.t === 'end');
}

/** Adds the positions reachable without reading (a loop may match nothing), deduplicated. */
function closure(tokens: readonly Token[], states: readonly number[]): number[] {
  const seen = new Set<number>();
  const stack = [...states];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    const t = tokens[s]!.t;
    if (t === 'star' || t === 'all') stack.push(s + 1);
  }
  return [...seen];
}

/** `{a,b}` (nested) expanded, at most 256 alternatives. A `\{` is literal. */
function expandBraces(pattern: string): string[] {
  let open = -1;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{' && depth++ === 0) open = i;
    else if (c === '}' && depth > 0 && --depth === 0) {
      const parts = splitTop(pattern.slice(open + 1, i));
      // `{a}` and `{}` are literal, as in minimatch.
      if (parts.length < 2) continue;
      const out: string[] = [];
      for (const p of parts) {
        for (const rest of expandBraces(pattern.slice(0, open) + p + pattern.slice(i + 1))) {
          out.push(rest);
          if (out.length > MAX_ALTERNATIVES) throw new GlobError(`braces expand to more than ${MAX_ALTERNATIVES} alternatives; split it into several entries`);
        }
      }
      return [...new Set(out)];
    }
  }
  return [pattern];
}

function splitTop(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/**
 * A brace-free pattern as token sequences. A whole `**` segment matches any number of segments:
 * `a/**` also matches `a`, `a/**‍/b` also `a/b`, `**‍/b` also `b` (what minimatch's makeRe does).
 */
function globstars(pattern: string): Token[][] {
  const segments = pattern.split('/');
  if (segments.length === 1 && segments[0] === '**') return [[{ t: 'all' }]];
  let alternatives: Token[][] = [[]];
  const add = (choices: Token[][]) => {
    alternatives = alternatives.flatMap((a) => choices.map((c) => [...a, ...c]));
    if (alternatives.length > MAX_ALTERNATIVES) throw new GlobError('the pattern has too many "**"; split it into several entries');
  };
  let slashNext = false;
  for (const seg of segments) {
    const slash: Token[] = slashNext ? [{ t: 'char', c: '/' }] : [];
    slashNext = true;
    if (seg !== '**') add([[...slash, ...segmentTokens(seg)]]);
    else if (slash.length) add([[], [...slash, { t: 'all' }]]);
    else {
      // A leading `**/`: the next segment brings no separator of its own.
      add([[], [{ t: 'all' }, { t: 'char', c: '/' }]]);
      slashNext = false;
    }
  }
  return alternatives;
}

function segmentTokens(seg: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) out.push({ t: 'char', c: seg[++i]! });
    else if (c === '*') {
      if (out[out.length - 1]?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'any' });
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) {
        out.push({ t: 'char', c });
        continue;
      }
      out.push({ t: 'class', test: charClass(seg.slice(i + 1, end)) });
      i = end;
    } else out.push({ t: 'char', c });
  }
  // A segment that is only `*` needs one character (minimatch: `a/*` does not match `a/`).
  if (seg.length > 0 && out.length === 1 && out[0]!.t === 'star') return [{ t: 'any' }, { t: 'star' }];
  return out;
}

function charClass(body: string): (c: string) => boolean {
  const negate = body[0] === '!' || body[0] === '^';
  const chars = negate ? body.slice(1) : body;
  const ranges: [string, string][] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      ranges.push([chars[i]!, chars[i + 2]!]);
      i += 2;
    } else ranges.push([chars[i]!, chars[i]!]);
  }
  return (c) => ranges.some(([a, b]) => c >= a && c <= b) !== negate;
}
