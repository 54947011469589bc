// The request model: paths, query strings, form and JSON parameters read as Stripe's servers
// read them, into one canonical request. wire.ts reads what stripe-node hands its HttpClient
// (and msw's fetch Requests) with these pieces; explain()/check() read their arguments with
// canonicalRequest(). What cannot be read unambiguously is said so (`unreadable`); what names no
// single endpoint or expand path is refused (`invalid`). Nothing is guessed.
import type { CanonicalRequest } from '../common/types.js';
import { API_HOST } from '../map/routes.js';
/** Stripe's maximum expand depth (docs.stripe.com/api/expanding_objects). */
const MAX_EXPAND_DEPTH = 4;
const MAX_EXPAND_LENGTH = 200;
/** A query string or form body longer than this is refused, not read: far beyond any Stripe request. */
export const MAX_FORM_LENGTH = 64 * 1024;
/**
 * Distinct expand paths read from one request. Stripe documents no count; real calls use a
 * handful. Past it the request is refused before any expand walk (a 10,000-entry list cost 0.3 s).
 */
const MAX_EXPANDS = 100;

/** Parameters whose values change what a request needs. */
const LIST_PARAMS = ['expand', 'enabled_events'] as const;
type ListName = (typeof LIST_PARAMS)[number];
const EXPAND_PATH = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
/** `expand[0]`: a list element by index. */
const INDEXED: Readonly<Record<ListName, RegExp>> = { expand: /^expand\[\d{1,6}\]$/, enabled_events: /^enabled_events\[\d{1,6}\]$/ };
const EVENT_TYPE = /^[A-Za-z0-9_.*[\]-]+$/;

/** What a reader collects before the canonical request is frozen. */
export interface Collected {
  expand: string[];
  events?: string[];
  invalid: string[];
  unreadable: string[];
}

export const newCollected = (): Collected => ({ expand: [], invalid: [], unreadable: [] });

/** A value shown in a message: bounded, control characters escaped, never a body value. */
export function quote(s: string): string {
  const cut = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return JSON.stringify(cut);
}

// ---- hosts and paths -----------------------------------------------------------------

/** `API.Stripe.com.:443` -> `api.stripe.com`; the API host itself -> undefined. */
function normalizeHost(host: unknown): string | undefined {
  if (host === API_HOST || typeof host !== 'string' || !host) return undefined;
  let h = host.trim().toLowerCase();
  const bracket = h.startsWith('[') ? h.indexOf(']') : -1;
  const colon = h.indexOf(':', bracket + 1);
  if (colon >= 0) h = h.slice(0, colon);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h === API_HOST || !h ? undefined : h;
}

/**
 * Splits what a client sends as the path into path and query, the fragment dropped as fetch
 * drops it, and records every segment that could name another endpoint once a URL parser or
 * a server normalises it: `.`/`..` (encoded or not), backslashes, encoded slashes, control
 * characters, empty segments.
 */
export function readPath(raw: string, into: Collected): { path: string; query: string } {
  const hash = raw.indexOf('#');
  const beforeHash = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && /[\\/.%]/.test(raw.slice(hash + 1))) into.invalid.push(`the path's fragment ${quote(raw.slice(hash))} could be read as part of the path`);
  const q = beforeHash.indexOf('?');
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? '' : beforeHash.slice(q + 1);
  checkPath(path, into);
  return { path, query };
}

function checkPath(path: string, into: Collected): void {
  if (!path.startsWith('/') || path.startsWith('//')) {
    into.invalid.push(`the path ${quote(path)} must begin with a single "/"`);
    return;
  }
  if (plainPath(path)) return;
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const why = badSegment(segs[i]!, i === segs.length - 1);
    if (why) into.invalid.push(`the path segment ${quote(segs[i]!)} ${why}; an id must name one object`);
  }
}

/**
 * Whether no segment of `path` (which begins with one "/") can be refused by badSegment: no empty
 * segment, and no "%", "\\", "." or control character anywhere. What ids usually look like.
 */
function plainPath(path: string): boolean {
  const n = path.length;
  if (path.charCodeAt(n - 1) === 47) return false;
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x25 || c === 0x2e || c === 0x5c || (c === 47 && path.charCodeAt(i - 1) === 47)) return false;
  }
  return true;
}

function badSegment(seg: string, last: boolean): string | undefined {
  if (seg === '') return last ? 'is empty (a trailing "/")' : 'is empty';
  if (seg.includes('\\')) return 'contains a backslash, which URL parsers read as "/"';
  let decoded = seg;
  if (seg.includes('%')) {
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      return 'has a malformed percent-encoding';
    }
    if (decoded.includes('/') || decoded.includes('\\')) return 'encodes a path separator';
  }
  if (decoded === '.' || decoded === '..') return 'is a dot segment, which URL parsers resolve to another path';
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'contains a control character, which URL parsers strip or reject';
  return undefined;
}

// ---- parameters ------------------------------------------------------------------------

/** The parameter a key belongs to, as Rack-style parsers name it: `[expand][0]` -> `expand`. */
function baseName(key: string): string {
  let i = 0;
  while (key[i] === '[' || key[i] === ']') i++;
  let j = i;
  while (j < key.length && key[j] !== '[' && key[j] !== ']') j++;
  return key.slice(i, j);
}

export function listName(key: string): ListName | undefined {
  const base = baseName(key);
  return base === 'expand' || base === 'enabled_events' ? base : undefined;
}

/** One `(key, value)` pair as the server decodes it, added to what the request needs. */
export function addPair(key: string, value: string, into: Collected): void {
  const name = listName(key);
  if (!name) return;
  if (key !== name && key !== `${name}[]` && !INDEXED[name].test(key)) {
    into.unreadable.push(`the parameter ${quote(key)} is not a list of ${name === 'expand' ? 'expand paths' : 'event types'} Stripe reads unambiguously`);
    return;
  }
  if (value === '') return;
  if (name === 'expand') addExpand(value, into);
  else if (EVENT_TYPE.test(value) && value.length <= MAX_EXPAND_LENGTH) (into.events ??= []).push(value);
  // A value that is not an event type is not quoted: it may be anything the caller put there.
  else into.invalid.push(`a value of ${quote(key)} (${value.length} characters) is not an event type`);
}

function addExpand(value: string, into: Collected): void {
  if (value.length > MAX_EXPAND_LENGTH || !EXPAND_PATH.test(value)) {
    // Not quoted: a value that is no expand path may be anything the caller put there.
    into.invalid.push(`an expand path (${value.length} characters) is not a dot-separated list of property names of at most ${MAX_EXPAND_LENGTH} characters`);
    return;
  }
  let depth = 1;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 46) depth++;
  if (depth > MAX_EXPAND_DEPTH) {
    into.invalid.push(`the expand path ${quote(value)} is ${depth} levels deep; Stripe expands at most ${MAX_EXPAND_DEPTH} levels`);
    return;
  }
  into.expand.push(value);
}

function decodeComponent(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** A query string or form body: `&` and `;` separate pairs, as Rack-style parsers split them. */
export function readForm(encoded: string, into: Collected, where: string): void {
  if (!encoded) return;
  if (encoded.length > MAX_FORM_LENGTH) {
    // Far beyond what Stripe accepts: refused rather than read.
    into.invalid.push(`the ${where} is longer than ${MAX_FORM_LENGTH} characters`);
    return;
  }
  for (const pair of encoded.split(/[&;]/)) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodeComponent(rawKey);
    if (key === undefined) {
      into.unreadable.push(`a parameter name in the ${where} has a malformed percent-encoding`);
      continue;
    }
    if (!listName(key)) continue;
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    if (value === undefined) into.unreadable.push(`the value of ${quote(key)} has a malformed percent-encoding`);
    else addPair(key, value, into);
  }
}

/**
 * A params object as stripe-node's form encoder turns it into pairs (`expand[0]=customer` from
 * `{ expand: ['customer'] }`, `{ expand: { 0: 'customer' } }` or `{ 'expand[0]': 'customer' }`),
 * for the parameters that change what a request needs.
 */
function readFormParams(data: Readonly<Record<string, unknown>>, into: Collected): void {
  for (const key of Object.keys(data)) if (listName(key)) walkForm(key, data[key], into, 0);
}

function walkForm(key: string, value: unknown, into: Collected, depth: number): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || value instanceof Date) {
    addPair(key, value === null ? '' : value instanceof Date ? String(Math.floor(value.getTime() / 1000)) : String(value), into);
    return;
  }
  if (depth > 2) {
    into.unreadable.push(`the parameter ${quote(key)} is nested too deeply to be a list`);
    return;
  }
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
  for (const k of keys) walkForm(`${key}[${k}]`, (value as Record<string, unknown>)[k], into, depth + 1);
}

/** A v2 (JSON) body: lists are JSON arrays of strings; anything else under their names is unreadable. */
export function readJsonParams(data: Readonly<Record<string, unknown>>, into: Collected): void {
  for (const name of LIST_PARAMS) {
    if (!Object.hasOwn(data, name)) continue;
    const value = data[name];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      into.unreadable.push(`the JSON parameter "${name}" is not an array of strings`);
      continue;
    }
    for (const v of value) addPair(`${name}[]`, v, into);
  }
}

// ---- canonical requests ------------------------------------------------------------------------

export interface RequestParts {
  readonly method: string;
  readonly host?: unknown;
  /** The path as sent, with its query string. */
  readonly path: string;
  /** Params as a caller would pass stripe-node: form-encoded (v1) or sent as JSON (v2). */
  readonly params?: unknown;
  /** An encoded body, when that is what there is (fetch, explain()). */
  readonly body?: string;
  /** The body is JSON (v2 or `content-type: application/json`). */
  readonly json?: boolean;
  readonly stripeAccount?: string | undefined;
  readonly stripeContext?: string | undefined;
  readonly apiVersion?: string | undefined;
  readonly methodId?: string;
  /** Set when the params could not be read at all (too large, unreadable body). */
  readonly unreadable?: string | undefined;
}

const NONE: readonly string[] = Object.freeze([]);

/** One canonical, frozen request from the parts a caller supplies (explain()'s arguments, a test's call). */
export function canonicalRequest(parts: RequestParts): CanonicalRequest {
  const into = newCollected();
  const { path, query } = typeof parts.path === 'string' ? readPath(parts.path, into) : { path: String(parts.path), query: '' };
  if (typeof parts.path !== 'string') into.invalid.push('the path is not a string');
  readForm(query, into, 'query string');
  if (parts.unreadable) into.unreadable.push(parts.unreadable);
  if (parts.body !== undefined) {
    if (parts.json) {
      const parsed = parseJsonBody(parts.body, into);
      if (parsed) readJsonParams(parsed, into);
    } else readForm(parts.body, into, 'form body');
  }
  const params = parts.params && typeof parts.params === 'object' ? (parts.params as Record<string, unknown>) : undefined;
  if (params) {
    if (parts.json) readJsonParams(params, into);
    else readFormParams(params, into);
  }
  return freezeRequest(into, {
    method: typeof parts.method === 'string' ? parts.method.toUpperCase() : String(parts.method),
    host: normalizeHost(parts.host),
    path,
    stripeAccount: parts.stripeAccount,
    stripeContext: parts.stripeContext,
    apiVersion: parts.apiVersion,
    methodId: parts.methodId,
  });
}

/** The parts of a canonical request besides what the parameters say. */
export interface RequestHead {
  readonly method: string;
  readonly host: string | undefined;
  readonly path: string;
  readonly stripeAccount?: string | undefined;
  readonly stripeContext?: string | undefined;
  readonly apiVersion?: string | undefined;
  readonly methodId?: string | undefined;
}

/** The canonical request: properties in one order, absent rather than undefined. */
export function freezeRequest(into: Collected, head: RequestHead): CanonicalRequest {
  if (into.expand.length > MAX_EXPANDS) {
    into.invalid.push(`the request asks for ${into.expand.length} expand paths; at most ${MAX_EXPANDS} are read`);
    into.expand.length = 0;
  }
  const r: { -readonly [K in keyof CanonicalRequest]: CanonicalRequest[K] } = { method: head.method } as CanonicalRequest;
  if (head.host) r.host = head.host;
  r.path = head.path;
  r.expand = into.expand.length ? Object.freeze([...new Set(into.expand)]) : NONE;
  if (into.events) r.events = Object.freeze([...new Set(into.events)]);
  if (head.stripeAccount) r.stripeAccount = head.stripeAccount;
  if (head.stripeContext) r.stripeContext = head.stripeContext;
  if (head.apiVersion) r.apiVersion = head.apiVersion;
  if (head.methodId) r.methodId = head.methodId;
  r.invalid = into.invalid.length ? Object.freeze(into.invalid) : NONE;
  r.unreadable = into.unreadable.length ? Object.freeze(into.unreadable) : NONE;
  // Not frozen: one request per call, never cached or shared (freezing measured ~3% of the guard's time).
  return r;
}

export function parseJsonBody(body: string, into: Collected): Record<string, unknown> | undefined {
  if (!body.trim()) return undefined;
  if (body.length > MAX_FORM_LENGTH * 16) {
    into.unreadable.push('the JSON body is too large to read');
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // reported below
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    into.unreadable.push('the JSON body is not a JSON object');
    return undefined;
  }
  const data = parsed as Record<string, unknown>;
  // JSON.parse keeps the last of duplicate keys; a server may keep another: read only when there is one.
  if (LIST_PARAMS.some((name) => Object.hasOwn(data, name))) {
    const twice = duplicatedListKey(body);
    if (twice) {
      into.unreadable.push(`the JSON body gives "${twice}" more than once`);
      return undefined;
    }
  }
  return data;
}

/** The first of expand/enabled_events that the top-level JSON object names twice (however escaped). */
function duplicatedListKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (k < text.length && /\s/.test(text[k]!)) k++;
        if (text[k] === ':') {
          const key = JSON.parse(text.slice(i, j + 1)) as string;
          if ((LIST_PARAMS as readonly string[]).includes(key)) {
            if (seen.has(key)) return key;
            seen.add(key);
          }
        }
      }
      i = j;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return undefined;
}

/** Whether a path is a v2 API path (JSON bodies). */
export function isV2Path(path: string): boolean {
  return path.startsWith('/v2');
}

/** How messages, violations and coverage name a call: its SDK method id, else `VERB /path`. */
export function callLabel(req: { readonly method: string; readonly path: string }, methodId?: string): string {
  return methodId ?? `${req.method} ${req.path}`;
}
