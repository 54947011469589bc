// The one wire reader: what stripe-node hands its HttpClient — `makeRequest(host, port, path,
// method, headers, body, protocol, timeout)`, after the authenticator, header normalisation,
// encoding and multipart buffering — read once, as Stripe's servers read it, into the canonical
// request. The guard judges this (stripe-node.ts); the msw handlers turn a fetch Request into
// the same tuple (testing/msw.ts). Every header value is read once: the copy that is judged is
// the copy that is sent.
import { parameter, readMultipart } from './multipart.js';
import { freezeRequest, newCollected, parseJsonBody, quote, readForm, readJsonParams, readPath, MAX_FORM_LENGTH, type Collected } from './request.js';
import { API_HOST } from '../map/routes.js';
import type { CanonicalRequest } from '../common/types.js';

/** What is read, and the headers to send if the request is allowed (each value read once). */
export interface WireRead {
  readonly request: CanonicalRequest;
  readonly headers: Record<string, unknown>;
}

/** A path (with its query) longer than this is refused: Stripe ids are at most 255 characters. */
const MAX_PATH = 16 * 1024;
/** Multipart bodies (file uploads) are scanned for their fields up to this size. */
const MAX_MULTIPART = 64 * 1024 * 1024;
const HOST = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.?$|^\[[0-9a-f:.]+\]$/;
const NO_HEADERS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** The headers that change a verdict, as found (case-insensitively) among the sent ones. */
interface Judged {
  account?: string;
  context?: string;
  version?: string;
  contentType?: string;
  host?: string;
  contentEncoding?: string;
}

/**
 * The canonical request of one HttpClient call. Never throws for what a caller sends (what it
 * cannot read is `invalid` or `unreadable`); a header object whose reading throws (a hostile
 * getter) propagates, and the caller settles the request with it.
 */
export function readWire(method: unknown, host: unknown, port: unknown, path: unknown, headers: unknown, body: unknown, protocol: unknown): WireRead {
  const sent = headers !== null && typeof headers === 'object' ? (Object.assign({}, headers) as Record<string, unknown>) : undefined;
  const hit = last;
  if (
    hit &&
    sent &&
    method === hit.method &&
    path === hit.path &&
    host === hit.host &&
    port === hit.port &&
    protocol === hit.protocol &&
    body === hit.body &&
    sameNames(sent, hit.keys) &&
    sameJudged(sent, hit)
  ) {
    return { request: hit.request, headers: sent };
  }
  const keys = sent ? Object.keys(sent) : NO_KEYS;
  const into = newCollected();
  const verb =
    typeof method === 'string' && isToken(method) ? method.toUpperCase() : (into.invalid.push('the HTTP method is not a method name'), String(method));
  if (headers !== undefined && headers !== null && !sent) into.invalid.push('the headers are not an object');
  const judged = sent ? judgedHeaders(sent, keys, into) : {};
  const hostName = readHost(host, port, protocol, into);
  let target = '/';
  if (typeof path !== 'string') into.invalid.push('the path is not a string');
  else if (path.length > MAX_PATH) into.invalid.push(`the path is ${path.length} characters long; at most ${MAX_PATH} are read`);
  else {
    const read = readPath(path, into);
    target = read.path;
    readForm(read.query, into, 'query string');
  }
  if (judged.host !== undefined && normalizedHost(judged.host) !== (hostName ?? API_HOST)) {
    into.invalid.push('the Host header names another host than the one the request is sent to');
  }
  if (judged.contentEncoding !== undefined && judged.contentEncoding.toLowerCase() !== 'identity' && body !== undefined && body !== null && body !== '') {
    into.unreadable.push(`the body is sent with Content-Encoding ${quote(judged.contentEncoding)}, which is not read`);
  } else readBody(body, judged.contentType, into);
  const request = freezeRequest(into, {
    method: verb,
    host: hostName,
    path: target,
    stripeAccount: judged.account,
    stripeContext: judged.context,
    apiVersion: judged.version,
  });
  remember(method, host, port, path, protocol, body, sent, keys, request);
  return { request, headers: sent ?? NO_HEADERS };
}

// ---- the last read ------------------------------------------------------------------------------

/**
 * The last request read, and the parts it was read from: the identical tuple (what stripe-node
 * sends for a repeated call, whatever its ids' values) is the same request, not read again.
 * Measured: reading was ~40% of the guard's time per request in a steady state. Only the judged
 * headers' values are compared: the others change nothing.
 */
interface LastRead {
  readonly method: unknown;
  readonly host: unknown;
  readonly port: unknown;
  readonly path: unknown;
  readonly protocol: unknown;
  readonly body: string | undefined;
  readonly keys: readonly string[];
  /** Indexes (into keys) of the judged headers, and their values as read. */
  readonly judged: readonly number[];
  readonly values: readonly unknown[];
  readonly request: CanonicalRequest;
}
let last: LastRead | undefined;
const NO_KEYS: readonly string[] = Object.freeze([]);
/** Paths and bodies longer than these are read every time (the one entry stays small). */
const MAX_REMEMBERED = 4096;

function remember(
  method: unknown,
  host: unknown,
  port: unknown,
  path: unknown,
  protocol: unknown,
  body: unknown,
  sent: Record<string, unknown> | undefined,
  keys: readonly string[],
  request: CanonicalRequest,
): void {
  const slots = sent && keys === lastKeys ? lastSlots : undefined;
  const plainBody = body === undefined || (typeof body === 'string' && body.length <= MAX_REMEMBERED);
  if (!slots || !plainBody || typeof path !== 'string' || path.length > MAX_REMEMBERED || request.invalid.length || request.unreadable.length) {
    last = undefined;
    return;
  }
  const judged: number[] = [];
  const values: unknown[] = [];
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] === NOT_JUDGED) continue;
    judged.push(i);
    values.push(sent![keys[i]!]);
  }
  last = { method, host, port, path, protocol, body: body as string | undefined, keys, judged, values, request };
}

/**
 * Whether the object's enumerable names are `keys`, in order, without making an array (measured:
 * Object.keys() here was a fifth of the guard's time per request). An inherited enumerable name
 * makes it differ: the request is then read in full.
 */
function sameNames(sent: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in sent) if (key !== keys[i++]) return false;
  return i === keys.length;
}

function sameJudged(sent: Record<string, unknown>, hit: LastRead): boolean {
  for (let j = 0; j < hit.judged.length; j++) if (sent[hit.keys[hit.judged[j]!]!] !== hit.values[j]) return false;
  return true;
}

// ---- headers ---------------------------------------------------------------------------------

/**
 * Stripe-Account, Stripe-Context, Stripe-Version and Content-Type as a server reads them: names
 * compared without case, optional whitespace around the value stripped. A name that is no HTTP
 * token, a judged header given twice (in two cases) or as several values, or a value that is
 * not one line of text cannot be read unambiguously: refused.
 */
function judgedHeaders(headers: Record<string, unknown>, keys: readonly string[], into: Collected): Judged {
  const out: Judged = {};
  // Measured: classifying the ~9 names stripe-node sends was a third of reading a request; the
  // same names in the same order (what stripe-node builds every time) reuse it.
  let slots: readonly number[] | undefined;
  if (sameKeys(keys, lastKeys)) {
    slots = lastSlots;
    lastKeys = keys;
  } else slots = classify(keys, into);
  if (!slots) return out;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (slot === NOT_JUDGED) continue;
    const key = keys[i]!;
    const value = headers[key];
    // The same value as last time in this slot (stripe-node reuses its strings): read already.
    const text = value === lastValues[slot] ? lastTexts[slot] : headerValue(value, key, slot, into);
    if (text) out[SLOT_NAMES[slot]!] = text;
  }
  return out;
}

const NOT_JUDGED = -1;
const SLOT_NAMES = ['account', 'context', 'version', 'contentType', 'host', 'contentEncoding'] as const;
const SLOT_OF: ReadonlyMap<string, number> = new Map([
  ['stripe-account', 0],
  ['stripe-context', 1],
  ['stripe-version', 2],
  ['content-type', 3],
  ['host', 4],
  ['content-encoding', 5],
]);
/** Headers some servers read as another method: a request carrying one names no single endpoint. */
const METHOD_OVERRIDES: ReadonlySet<string> = new Set(['x-http-method-override', 'x-http-method', 'x-method-override']);
let lastKeys: readonly string[] | undefined;
let lastSlots: readonly number[] | undefined;
/** A value no header has: nothing matches it until a slot is read. */
const UNSET = Symbol('unset');
const lastValues: unknown[] = SLOT_NAMES.map(() => UNSET);
const lastTexts: (string | undefined)[] = SLOT_NAMES.map(() => undefined);

function sameKeys(a: readonly string[], b: readonly string[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Each name's slot (or NOT_JUDGED); undefined when a name is refused. Remembered when all are readable. */
function classify(keys: readonly string[], into: Collected): readonly number[] | undefined {
  const slots: number[] = new Array(keys.length);
  let seen = 0;
  let refused = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    slots[i] = NOT_JUDGED;
    if (!isToken(key)) {
      into.invalid.push(`the header name ${quote(key)} is not an HTTP token`);
      refused = true;
      continue;
    }
    const lower = key.toLowerCase();
    if (METHOD_OVERRIDES.has(lower)) {
      into.invalid.push(`the ${key} header would make a server read another method`);
      refused = true;
      continue;
    }
    const slot = SLOT_OF.get(lower);
    if (slot === undefined) continue;
    if (seen & (1 << slot)) {
      into.invalid.push(`the ${key} header is given more than once (in another letter case)`);
      refused = true;
      continue;
    }
    seen |= 1 << slot;
    slots[i] = slot;
  }
  if (refused) {
    lastKeys = undefined;
    return undefined;
  }
  lastKeys = keys;
  lastSlots = slots;
  return slots;
}

function headerValue(value: unknown, name: string, slot: number, into: Collected): string | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (text === undefined) {
    into.invalid.push(`the ${name} header is ${Array.isArray(value) ? 'several values' : `not text (${value === null ? 'null' : typeof value})`}`);
    return undefined;
  }
  const trimmed = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (/[\u0000-\u0008\u000a-\u001f\u007f,]/.test(trimmed)) {
    into.invalid.push(`the ${name} header is not one value on one line`);
    return undefined;
  }
  // Remembered only for text values: a string is the same value however often it is read.
  if (typeof value === 'string' && value.length <= 256) {
    lastValues[slot] = value;
    lastTexts[slot] = trimmed || undefined;
  }
  return trimmed || undefined;
}

/** RFC 9110 token characters: what a header name or method may contain. */
function isToken(s: string): boolean {
  if (!s) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // ALPHA / DIGIT / ! # $ % & ' * + - . ^ _ ` | ~
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95) continue;
    if (c === 33 || (c >= 35 && c <= 39) || c === 42 || c === 43 || c === 46 || c === 94 || c === 96 || c === 124 || c === 126) continue;
    return false;
  }
  return true;
}

// ---- host ------------------------------------------------------------------------------------

/** The host as a name the URL is built from: a host option carrying a path, port or credentials is refused. */
function readHost(host: unknown, port: unknown, protocol: unknown, into: Collected): string | undefined {
  if (protocol !== undefined && protocol !== null && protocol !== 'https' && protocol !== 'http') into.invalid.push('the protocol is neither https nor http');
  if (
    port !== undefined &&
    port !== null &&
    !(typeof port === 'number' ? Number.isInteger(port) && port > 0 && port < 65536 : typeof port === 'string' && /^\d{1,5}$/.test(port))
  ) {
    into.invalid.push('the port is not a port number');
  }
  if (host === API_HOST) return undefined;
  if (typeof host !== 'string' || !HOST.test(host.toLowerCase())) {
    into.invalid.push(
      `the host ${typeof host === 'string' ? quote(host) : 'option'} is not a host name (a path, port or credentials in it would become part of the URL)`,
    );
    return typeof host === 'string' ? host : undefined;
  }
  let h = host.toLowerCase();
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h === API_HOST ? undefined : h;
}

/** A Host header's host: lower case, without its port or trailing dot. */
function normalizedHost(value: string): string {
  let h = value.toLowerCase();
  const colon = h.startsWith('[') ? h.indexOf(':', h.indexOf(']')) : h.indexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

// ---- bodies ----------------------------------------------------------------------------------

/** A body of any verb, read by its Content-Type: form, JSON or multipart; anything else is unreadable. */
function readBody(body: unknown, contentType: string | undefined, into: Collected): void {
  if (body === undefined || body === null || body === '') return;
  const bytes = body instanceof Uint8Array ? body : undefined;
  if (typeof body !== 'string' && !bytes) {
    into.unreadable.push('the body is neither text nor bytes');
    return;
  }
  const size = bytes ? bytes.byteLength : (body as string).length;
  if (size === 0) return;
  const semi = contentType ? contentType.indexOf(';') : -1;
  const type = contentType ? (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() : '';
  if (type === 'multipart/form-data') {
    if (size > MAX_MULTIPART) into.unreadable.push(`the multipart body is larger than ${MAX_MULTIPART} bytes`);
    else readMultipart(bytes ? latin1(bytes) : (body as string), contentType!, into);
    return;
  }
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    into.unreadable.push(type ? `the body's Content-Type ${quote(type)} is not one Stripe reads` : 'the body has no Content-Type');
    return;
  }
  if (size > MAX_FORM_LENGTH * 16) {
    into.unreadable.push('the body is too large to read');
    return;
  }
  const charset = parameter(contentType!, 'charset');
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    into.unreadable.push(`the body's charset ${quote(charset)} is not UTF-8`);
    return;
  }
  const text = bytes ? utf8(bytes) : (body as string);
  if (text === undefined) into.unreadable.push('the body is not UTF-8 text');
  else if (type === 'application/json') {
    const parsed = parseJsonBody(text, into);
    if (parsed) readJsonParams(parsed, into);
  } else readForm(text, into, 'form body');
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes as one character each: the structure of a multipart body is ASCII. */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}
