// EVERY transport -> one canonical request. The only code that parses paths, queries and
// bodies: stripe-node's request sender (via stripe-node.ts), a fetch/msw Request, explain()'s
// `{ method, path }` or method id. What it cannot read unambiguously it says so (`unreadable`);
// what names no single endpoint or expand path it refuses (`invalid`). Nothing is guessed.
import type { CanonicalRequest } from './types.js';
import { API_HOST } from './routes.js';
/** Stripe's maximum expand depth (docs.stripe.com/api/expanding_objects). */
export const MAX_EXPAND_DEPTH = 4;
const MAX_EXPAND_LENGTH = 200;
const MAX_QUERY_LENGTH = 64 * 1024;
/** Parameters beyond these are not read (and so not allowed silently): far above any Stripe request. */
const MAX_NODES = 20_000;
const MAX_DEPTH = 32;

/** Parameters whose values change what a request needs. */
const LIST_PARAMS = ['expand', 'enabled_events'] as const;
type ListName = (typeof LIST_PARAMS)[number];
const EXPAND_PATH = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
/** `expand[0]`: a list element by index. */
const INDEXED: Readonly<Record<ListName, RegExp>> = { expand: /^expand\[\d{1,6}\]$/, enabled_events: /^enabled_events\[\d{1,6}\]$/ };
const EVENT_TYPE = /^[A-Za-z0-9_.*[\]-]+$/;

/** What a reader collects before the canonical request is frozen. */
interface Collected {
  expand: string[];
  events?: string[];
  invalid: string[];
  unreadable: string[];
}

const newCollected = (): Collected => ({ expand: [], invalid: [], unreadable: [] });

/** A value shown in a message: bounded, control characters escaped, never a body value. */
export function quote(s: string): string {
  const cut = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return JSON.stringify(cut);
}

// ---- hosts and paths -----------------------------------------------------------------

/** `API.Stripe.com.:443` -> `api.stripe.com`; the API host itself -> undefined. */
export function normalizeHost(host: unknown): string | undefined {
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
function readPath(raw: string, into: Collected): { path: string; query: string } {
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

function listName(key: string): ListName | undefined {
  const base = baseName(key);
  return base === 'expand' || base === 'enabled_events' ? base : undefined;
}

/** One `(key, value)` pair as the server decodes it, added to what the request needs. */
function addPair(key: string, value: string, into: Collected): void {
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
function readForm(encoded: string, into: Collected, where: string): void {
  if (!encoded) return;
  if (encoded.length > MAX_QUERY_LENGTH) {
    // Far beyond what Stripe accepts: refused rather than read.
    into.invalid.push(`the ${where} is longer than ${MAX_QUERY_LENGTH} characters`);
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
function readJsonParams(data: Readonly<Record<string, unknown>>, into: Collected): void {
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

// ---- snapshots ------------------------------------------------------------------------------

/**
 * A deep copy of request params, taken when the call is made: what is judged is what is sent,
 * whatever the caller mutates afterwards. Getters are read once. Dates stay Dates; binary data
 * and streams (file uploads) are kept as they are. `undefined` when the params are too large or
 * deep to copy (the request is then unreadable).
 */
export function snapshotParams(data: unknown, json: boolean): { readonly value: unknown } | undefined {
  const budget = { nodes: 0 };
  try {
    return { value: copy(data, json, 0, budget) };
  } catch (e) {
    if (e === TOO_LARGE) return undefined;
    throw e;
  }
}

const TOO_LARGE = Symbol('too large');

function copy(value: unknown, json: boolean, depth: number, budget: { nodes: number }): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (++budget.nodes > MAX_NODES || depth > MAX_DEPTH) throw TOO_LARGE;
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || typeof (value as { pipe?: unknown }).pipe === 'function') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], json, depth + 1, budget);
    return out;
  }
  if (json && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return copy((value as { toJSON(): unknown }).toJSON(), json, depth + 1, budget);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[k], json, depth + 1, budget);
    // A key the prototype has (`__proto__`, an accessor someone added) is defined, not assigned:
    // it stays a key, as the encoder sees it. Any other key: assigning makes the same property.
    if (k in out) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

// ---- canonical requests ------------------------------------------------------------------------

export interface RequestParts {
  readonly method: string;
  readonly host?: unknown;
  /** The path as sent, with its query string. */
  readonly path: string;
  /** Params to be form-encoded (v1) or sent as JSON (v2), already snapshotted. */
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

/** One canonical, frozen request from the parts a transport supplies. */
export function canonicalRequest(parts: RequestParts): CanonicalRequest {
  if (parts.body !== undefined || parts.unreadable || (parts.params && typeof parts.params === 'object')) return readParts(parts);
  return bodilessRequest(parts.method, parts.host, parts.path, parts.stripeAccount, parts.stripeContext, parts.apiVersion, parts.methodId);
}

/**
 * {@link canonicalRequest} of a request without params or body (what stripe-node sends for GET
 * and DELETE), its parts given by position. Such a request is a pure function of these parts:
 * the same parts give the same frozen request, read once; a cache hit allocates nothing.
 */
export function bodilessRequest(
  method: string,
  host: unknown,
  path: string,
  stripeAccount: string | undefined,
  stripeContext: string | undefined,
  apiVersion: string | undefined,
  methodId?: string,
): CanonicalRequest {
  // The last hit first: comparing the path with it reads its characters once, a lookup hashes them too.
  const hit = path === lastPath ? lastHit : typeof path === 'string' ? bodiless.get(path) : undefined;
  if (
    hit &&
    hit.method === method &&
    hit.host === host &&
    hit.stripeAccount === stripeAccount &&
    hit.stripeContext === stripeContext &&
    hit.apiVersion === apiVersion &&
    hit.methodId === methodId
  ) {
    lastPath = path;
    lastHit = hit;
    return hit.request;
  }
  const request = readParts({ method, host, path, stripeAccount, stripeContext, apiVersion, ...(methodId !== undefined ? { methodId } : {}) });
  if (typeof path === 'string' && path.length <= MAX_CACHED_PATH) {
    if (bodiless.size >= BODILESS_LIMIT || bodilessChars + path.length > BODILESS_CHARS) {
      bodiless.clear();
      lastPath = lastHit = undefined;
      internedRequests.clear();
      generation++;
      bodilessChars = 0;
    }
    bodiless.set(path, { method, host, stripeAccount, stripeContext, apiVersion, methodId, request });
    internedRequests.add(request);
    bodilessChars += path.length;
  }
  return request;
}

/** A cached body-less request: the parts it was read from (compared exactly on a hit), and the request. */
interface Bodiless {
  readonly method: unknown;
  readonly host: unknown;
  readonly stripeAccount: unknown;
  readonly stripeContext: unknown;
  readonly apiVersion: unknown;
  readonly methodId: unknown;
  readonly request: CanonicalRequest;
}

// Keyed by the path as sent (with its query), the other parts compared on a hit: keys cannot
// collide. Bounded in entries and in characters (a million distinct paths cost no more memory).
const BODILESS_LIMIT = 1_000;
const BODILESS_CHARS = 256 * 1024;
const MAX_CACHED_PATH = 2048;
const bodiless = new Map<string, Bodiless>();
let lastPath: string | undefined;
let lastHit: Bodiless | undefined;
// The requests in the cache above, and its generation (bumped when it is cleared): a cache keyed
// by request object elsewhere stays valid for as long as the generation does.
const internedRequests = new Set<CanonicalRequest>();
let generation = 0;

/**
 * The generation of the body-less cache when `request` is in it (the same request is then
 * handed out again, so a cache keyed by the request object hits), else `undefined`: requests
 * with params are new objects every time.
 */
export function internedIn(request: CanonicalRequest): number | undefined {
  return internedRequests.has(request) ? generation : undefined;
}

/** The body-less cache's current generation. */
export function internGeneration(): number {
  return generation;
}
let bodilessChars = 0;

function readParts(parts: RequestParts): CanonicalRequest {
  const method = typeof parts.method === 'string' ? parts.method.toUpperCase() : String(parts.method);
  const into = newCollected();
  const { path, query } = typeof parts.path === 'string' ? readPath(parts.path, into) : { path: String(parts.path), query: '' };
  if (typeof parts.path !== 'string') into.invalid.push('the path is not a string');
  const read = query ? readQuery(query) : undefined;
  const params = parts.params && typeof parts.params === 'object' ? (parts.params as Record<string, unknown>) : undefined;
  // What stripe-node sends for GET and DELETE: everything in the path and its query, read once
  // per distinct query string.
  if (!into.invalid.length && !parts.unreadable && parts.body === undefined && !params) {
    return freeze(parts, method, path, read?.expand ?? NONE, read?.events, read?.invalid ?? NONE, read?.unreadable ?? NONE);
  }
  if (read) {
    into.expand.push(...read.expand);
    if (read.events) (into.events ??= []).push(...read.events);
    into.invalid.push(...read.invalid);
    into.unreadable.push(...read.unreadable);
  }
  if (parts.unreadable) into.unreadable.push(parts.unreadable);
  if (parts.body !== undefined) {
    if (parts.json) {
      const parsed = parseJsonBody(parts.body, into);
      if (parsed) readJsonParams(parsed, into);
    } else readForm(parts.body, into, 'form body');
  }
  if (params) {
    if (parts.json) readJsonParams(params, into);
    else readFormParams(params, into);
  }
  return freeze(
    parts,
    method,
    path,
    internList(into.expand),
    into.events && Object.freeze([...new Set(into.events)]),
    into.invalid.length ? Object.freeze(into.invalid) : NONE,
    into.unreadable.length ? Object.freeze(into.unreadable) : NONE,
  );
}

function freeze(
  parts: RequestParts,
  method: string,
  path: string,
  expand: readonly string[],
  events: readonly string[] | undefined,
  invalid: readonly string[],
  unreadable: readonly string[],
): CanonicalRequest {
  const host = normalizeHost(parts.host);
  // Properties in one order, absent rather than undefined (as spreads would make them).
  const r: { -readonly [K in keyof CanonicalRequest]: CanonicalRequest[K] } = { method } as CanonicalRequest;
  if (host) r.host = host;
  r.path = path;
  r.expand = expand;
  if (events) r.events = events;
  if (parts.stripeAccount) r.stripeAccount = parts.stripeAccount;
  if (parts.stripeContext) r.stripeContext = parts.stripeContext;
  if (parts.apiVersion) r.apiVersion = parts.apiVersion;
  if (parts.methodId) r.methodId = parts.methodId;
  r.invalid = invalid;
  r.unreadable = unreadable;
  return Object.freeze(r);
}

/** What a query string alone says, frozen: its expand paths interned, its event types deduplicated. */
interface QueryRead {
  readonly expand: readonly string[];
  readonly events: readonly string[] | undefined;
  readonly invalid: readonly string[];
  readonly unreadable: readonly string[];
}

// Query strings repeat (the same call, the same expands, whatever the ids in the path): each is
// read once. Bounded in entries and in characters; keys are whole query strings, so they cannot collide.
const QUERY_LIMIT = 500;
const QUERY_CHARS = 256 * 1024;
const MAX_CACHED_QUERY = 2048;
const queries = new Map<string, QueryRead>();
let queryChars = 0;

function readQuery(query: string): QueryRead {
  let hit = queries.get(query);
  if (hit) return hit;
  const into = newCollected();
  readForm(query, into, 'query string');
  hit = Object.freeze({
    expand: internList(into.expand),
    events: into.events && Object.freeze([...new Set(into.events)]),
    invalid: into.invalid.length ? Object.freeze(into.invalid) : NONE,
    unreadable: into.unreadable.length ? Object.freeze(into.unreadable) : NONE,
  });
  if (query.length <= MAX_CACHED_QUERY) {
    if (queries.size >= QUERY_LIMIT || queryChars + query.length > QUERY_CHARS) {
      queries.clear();
      queryChars = 0;
    }
    queries.set(query, hit);
    queryChars += query.length;
  }
  return hit;
}

function parseJsonBody(body: string, into: Collected): Record<string, unknown> | undefined {
  if (!body.trim()) return undefined;
  if (body.length > MAX_QUERY_LENGTH * 16) {
    into.unreadable.push('the JSON body is too large to read');
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  into.unreadable.push('the JSON body is not a JSON object');
  return undefined;
}

// Expand lists repeat (the same call, the same expands): the same paths give the same frozen
// array, so resolutions can be cached by array identity. Valid paths contain no "\n".
// Bounded in entries and in characters: a long list is frozen, not interned.
const INTERN_LIMIT = 2_000;
const INTERN_CHARS = 256 * 1024;
const MAX_INTERNED_KEY = 4096;
const interned = new Map<string, readonly string[]>();
let internedChars = 0;

function internList(list: readonly string[]): readonly string[] {
  if (list.length === 0) return NONE;
  const unique = list.length > 1 ? [...new Set(list)] : list;
  const key = unique.length > 1 ? unique.join('\n') : unique[0]!;
  let hit = interned.get(key);
  if (!hit) {
    hit = Object.freeze([...unique]);
    if (key.length > MAX_INTERNED_KEY) return hit;
    if (interned.size >= INTERN_LIMIT || internedChars + key.length > INTERN_CHARS) {
      interned.clear();
      internedChars = 0;
    }
    interned.set(key, hit);
    internedChars += key.length;
  }
  return hit;
}

/** Whether a path is a v2 API path (JSON bodies). */
export function isV2Path(path: string): boolean {
  return path.startsWith('/v2');
}

/** How messages, violations and coverage name a call: its SDK method id, else `VERB /path`. */
export function callLabel(req: { readonly method: string; readonly path: string }, methodId?: string): string {
  return methodId ?? `${req.method} ${req.path}`;
}
