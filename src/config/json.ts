// JSON text → value, with the positions a person can act on: where a syntax error is (line and
// column, computed here, so the same on every Node version: V8's messages and positions differ
// between releases) and where duplicate keys are. Messages name tokens by kind ("a letter"),
// never by content: a secret file passed by mistake must not be echoed in an error.
// Also a bounded walk over a parsed value, so hostile input is refused before any real work.

export type JsonPath = readonly (string | number)[];

export interface JsonLocation {
  readonly line: number;
  readonly column: number;
}

/** A key that appears twice in one object; JSON.parse (and parseJson) keep the last value. */
export interface DuplicateKey extends JsonLocation {
  readonly key: string;
  /** The path of the second occurrence, key included. */
  readonly path: JsonPath;
  /** The line of the first occurrence. */
  readonly firstLine: number;
}

export type JsonParseResult =
  | { readonly ok: true; readonly value: unknown; readonly duplicates: readonly DuplicateKey[] }
  | { readonly ok: false; readonly error: JsonLocation & { readonly message: string } };

const MAX_DUPLICATES = 100;

class Failure {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

/**
 * Parses JSON text (a leading byte-order mark is skipped). Objects are built like JSON.parse
 * builds them: a `"__proto__"` key becomes an own property, never the prototype.
 *
 * @example
 * parseJson('{"a": 1,}') // { ok: false, error: { line: 1, column: 8, message: "a trailing comma before '}' …" } }
 */
export function parseJson(input: string, options: { maxDepth?: number } = {}): JsonParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const maxDepth = options.maxDepth ?? 64;
  const located: { key: string; path: JsonPath; at: number; firstAt: number }[] = [];
  const path: (string | number)[] = [];
  const opened: number[] = []; // offsets of the arrays and objects not yet closed
  let i = 0;
  const fail = (at: number, message: string): never => {
    throw new Failure(at, message);
  };
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const expect = (what: string): never => {
    const open = opened[opened.length - 1];
    if (i >= text.length && open !== undefined) fail(open, `a '${text[open]}' that is never closed (the file ends first)`);
    return fail(i, `expected ${what}, found ${tokenKind(text, i)}`);
  };

  const string = (): string => {
    const start = i;
    let escaped = false;
    for (i++; ; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) break; // closing quote
      if (Number.isNaN(c)) fail(start, "a string that is never closed (a missing '\"')");
      if (c < 0x20) fail(i, 'a line break or control character inside a string: escape it (\\n, \\t)');
      if (c === 92) {
        escaped = true;
        const e = text[++i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(i - 1, 'a \\u escape needs four hex digits');
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(i - 1, 'an invalid escape in a string (valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
    }
    i++;
    // The escapes were validated above, so JSON.parse of the slice cannot fail.
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const number = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return expect('a number');
    i += m[0].length;
    return Number(m[0]);
  };

  const value = (depth: number): unknown => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail(i, `values nested deeper than ${maxDepth} levels`);
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return expect('a JSON value');
  };

  // After a member or an element: a comma (not followed by the closer) or the closer.
  const next = (close: '}' | ']'): boolean => {
    ws();
    if (text[i] === close) {
      i++;
      opened.pop();
      return false;
    }
    if (text[i] !== ',') expect(`',' or '${close}'`);
    const comma = i++;
    ws();
    if (text[i] === close) fail(comma, `a trailing comma before '${close}' (JSON allows none): remove it`);
    return true;
  };

  const object = (depth: number): Record<string, unknown> => {
    opened.push(i++);
    const obj: Record<string, unknown> = {};
    const first = new Map<string, number>();
    ws();
    if (text[i] === '}') {
      i++;
      opened.pop();
      return obj;
    }
    do {
      ws();
      const at = i;
      if (text[i] !== '"') expect('a key in double quotes');
      const key = string();
      ws();
      if (text[i] !== ':') expect("':' after the key");
      i++;
      path.push(key);
      const v = value(depth);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, at);
      else if (located.length < MAX_DUPLICATES) located.push({ key, path: [...path], at, firstAt: seen });
      path.pop();
      Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
    } while (next('}'));
    return obj;
  };

  const array = (depth: number): unknown[] => {
    opened.push(i++);
    const arr: unknown[] = [];
    ws();
    if (text[i] === ']') {
      i++;
      opened.pop();
      return arr;
    }
    do {
      path.push(arr.length);
      arr.push(value(depth));
      path.pop();
    } while (next(']'));
    return arr;
  };

  const locate = locator(text);
  try {
    const result = value(0);
    ws();
    if (i < text.length) fail(i, `${tokenKind(text, i)} after the end of the JSON value (a file holds one value)`);
    const duplicates = located.map(({ key, path: p, at, firstAt }) => ({ key, path: p, ...locate(at), firstLine: locate(firstAt).line }));
    return { ok: true, value: result, duplicates };
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    return { ok: false, error: { ...locate(e.at), message: e.message } };
  }
}

/** Line and column (both from 1) of an offset, by binary search over the line starts. */
function locator(text: string): (at: number) => JsonLocation {
  let starts: number[] | undefined;
  return (at) => {
    if (!starts) {
      starts = [0];
      for (let j = text.indexOf('\n'); j !== -1; j = text.indexOf('\n', j + 1)) starts.push(j + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo]! + 1 };
  };
}

const QUOTABLE = new Set(['{', '}', '[', ']', ',', ':', '"', "'", '/']);

/** What is at `at`, by kind only: structural characters are named, anything else is not quoted. */
function tokenKind(text: string, at: number): string {
  const c = text[at];
  if (c === undefined) return 'the end of the file';
  if (c === "'") return "a ' (JSON strings use double quotes)";
  if (c === '/') return "a '/' (JSON has no comments)";
  if (QUOTABLE.has(c)) return `'${c}'`;
  if (/[A-Za-z]/.test(c)) return 'a letter';
  if (/[0-9]/.test(c)) return 'a digit';
  if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) return 'a control character';
  return c.charCodeAt(0) > 0x7f ? 'a non-ASCII character' : 'a symbol';
}

/**
 * Where a JSON syntax error is, and what it is, for text that JSON.parse refused. The
 * position is computed from the text; the error's own message is not used (it may quote the text).
 *
 * @example
 * describeJsonError('{\n "a": }', e) // { where: ' at line 2, column 7', detail: "expected a JSON value, found '}'" }
 */
export function describeJsonError(text: string, _error?: unknown): { where: string; detail: string } {
  const r = parseJson(text, { maxDepth: 1000 });
  if (r.ok) return { where: '', detail: 'not valid JSON' };
  return { where: ` at line ${r.error.line}, column ${r.error.column}`, detail: r.error.message };
}

export interface JsonLimits {
  /** Nesting depth of arrays and objects. */
  readonly maxDepth: number;
  /** Elements of one array or members of one object. */
  readonly maxMembers: number;
  /** Values in the whole tree. */
  readonly maxValues: number;
  /** Keys refused anywhere (their values are not visited). */
  readonly forbiddenKeys: ReadonlySet<string>;
}

export interface JsonFinding {
  readonly code: 'forbidden_key' | 'too_deep' | 'too_many_members' | 'too_many_values';
  readonly path: JsonPath;
  readonly message: string;
}

/**
 * Walks a parsed value within limits and reports what exceeds them; the walk stops at the first
 * size finding, so an enormous or cyclic value costs at most `maxValues` steps.
 *
 * @example
 * inspectJson({ a: { __proto__: 1 } }, limits) // [{ code: 'forbidden_key', path: ['a', '__proto__'], … }]
 */
export function inspectJson(root: unknown, limits: JsonLimits): JsonFinding[] {
  const findings: JsonFinding[] = [];
  let values = 0;
  const walk = (v: unknown, path: (string | number)[]): boolean => {
    if (++values > limits.maxValues) {
      findings.push({ code: 'too_many_values', path: [], message: `holds more than ${limits.maxValues} values; a manifest holds a few hundred` });
      return false;
    }
    const isArray = Array.isArray(v);
    if (!isArray && !isRecord(v)) return true;
    if (path.length >= limits.maxDepth) {
      findings.push({ code: 'too_deep', path, message: `is nested deeper than ${limits.maxDepth} levels` });
      return false;
    }
    const keys = isArray ? undefined : Object.keys(v);
    const size = isArray ? (v as unknown[]).length : keys!.length;
    if (size > limits.maxMembers) {
      findings.push({ code: 'too_many_members', path, message: `has ${size} ${isArray ? 'entries' : 'keys'}; at most ${limits.maxMembers} are read` });
      return false;
    }
    if (isArray) return (v as unknown[]).every((item, i) => walk(item, [...path, i]));
    for (const key of keys!) {
      if (limits.forbiddenKeys.has(key)) {
        findings.push({
          code: 'forbidden_key',
          path: [...path, key],
          message: `"${key}" is not allowed as a key: it names an object's prototype machinery. Remove it`,
        });
      } else if (!walk((v as Record<string, unknown>)[key], [...path, key])) return false;
    }
    return true;
  };
  walk(root, []);
  return findings;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Strict UTF-8 bytes → text, or undefined when the bytes are not UTF-8 (overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences). Written out rather than
 * TextDecoder: Jest's jsdom environment has no global TextDecoder, and a manifest is small.
 * A leading byte-order mark is dropped unless `keepBom`.
 *
 * @example
 * decodeUtf8(new Uint8Array([0x63, 0xc3, 0xa9])) // 'cé'
 * decodeUtf8(new Uint8Array([0xc0, 0xaf])) // undefined (an overlong '/')
 */
export function decodeUtf8(bytes: Uint8Array, options: { keepBom?: boolean } = {}): string | undefined {
  let i = !options.keepBom && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const units: number[] = [];
  const chunks: string[] = [];
  // A continuation byte (10xxxxxx) at j, within [lo, hi] for the first one after the lead.
  const cont = (j: number, lo = 0x80, hi = 0xbf): number => {
    const b = bytes[j];
    return b !== undefined && b >= lo && b <= hi ? b & 0x3f : -1;
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      const c1 = cont(i + 1);
      if (c1 < 0) return undefined;
      cp = ((b & 0x1f) << 6) | c1;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      // E0: no overlongs (A0..BF); ED: no surrogates (80..9F).
      const c1 = cont(i + 1, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf);
      const c2 = cont(i + 2);
      if (c1 < 0 || c2 < 0) return undefined;
      cp = ((b & 0x0f) << 12) | (c1 << 6) | c2;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      // F0: no overlongs (90..BF); F4: nothing past U+10FFFF (80..8F).
      const c1 = cont(i + 1, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf);
      const c2 = cont(i + 2);
      const c3 = cont(i + 3);
      if (c1 < 0 || c2 < 0 || c3 < 0) return undefined;
      cp = ((b & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      i += 4;
    } else return undefined;
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    if (units.length >= 8192) chunks.push(String.fromCharCode(...units.splice(0)));
  }
  chunks.push(String.fromCharCode(...units));
  return chunks.join('');
}
