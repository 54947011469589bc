// multipart/form-data bodies (file uploads) as a server reads them: the fields that change what
// a request needs, from each part's Content-Disposition. Part of the wire reader (wire.ts).
import { addPair, listName, quote, type Collected } from './request.js';

/**
 * The fields of a multipart/form-data body (RFC 7578) that change what a request needs: each
 * part's Content-Disposition `name` (any case, quoted or bare). A part that could set expand or
 * enabled_events but cannot be read as one text field is unreadable.
 */
export function readMultipart(text: string, contentType: string, into: Collected): void {
  const boundary = parameter(contentType, 'boundary');
  if (!boundary || boundary.length > 200) {
    into.unreadable.push('the multipart body has no readable boundary');
    return;
  }
  const delimiter = `--${boundary}`;
  let at = text.startsWith(delimiter) ? 0 : text.indexOf(`\r\n${delimiter}`);
  if (at < 0) {
    into.unreadable.push('the multipart body has no part');
    return;
  }
  at += at === 0 ? delimiter.length : delimiter.length + 2;
  for (;;) {
    if (text.startsWith('--', at)) return;
    const next = text.indexOf(`\r\n${delimiter}`, at);
    const headEnd = text.indexOf('\r\n\r\n', at);
    if (next < 0 || headEnd < 0 || headEnd > next) {
      into.unreadable.push('the multipart body cannot be read as parts');
      return;
    }
    readPart(text.slice(at, headEnd), text.slice(headEnd + 4, next), into);
    at = next + 2 + delimiter.length;
  }
}

function readPart(head: string, value: string, into: Collected): void {
  let disposition: string | undefined;
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-disposition') {
      if (disposition !== undefined) {
        into.unreadable.push('a multipart part has two Content-Disposition headers');
        return;
      }
      disposition = line.slice(colon + 1);
    }
  }
  if (disposition === undefined) return;
  const params = parameters(disposition);
  if (!params) {
    into.unreadable.push('a multipart part has a Content-Disposition that cannot be read');
    return;
  }
  const names = params.filter(([k]) => k === 'name' || k === 'name*');
  if (names.length !== 1 || names[0]![0] !== 'name') {
    if (names.length) into.unreadable.push('a multipart part names its field more than once');
    return;
  }
  const name = names[0]![1];
  if (!listName(name)) return;
  if (params.some(([k]) => k === 'filename' || k === 'filename*')) {
    into.unreadable.push(`the multipart field ${quote(name)} is sent as a file`);
    return;
  }
  addPair(name, value, into);
}

/** One parameter of a header value (`boundary`), by name without case; undefined when absent or given twice. */
export function parameter(header: string, name: string): string | undefined {
  const found = parameters(header)?.filter(([k]) => k === name);
  return found && found.length === 1 ? found[0]![1] : undefined;
}

/**
 * The `; key=value` parameters after a header's first item, keys lower-cased, values unquoted
 * (`\` escapes). Undefined when they cannot be read.
 */
function parameters(header: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  let i = header.indexOf(';');
  if (i < 0) return out;
  while (i < header.length) {
    i++; // past ';'
    while (header[i] === ' ' || header[i] === '\t') i++;
    if (i >= header.length) break;
    const eq = header.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (header[i] === ' ' || header[i] === '\t') i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') {
        if (header[i] === '\\') i++;
        value += header[i] ?? '';
        i++;
      }
      if (header[i] !== '"') return undefined;
      i++;
      while (header[i] === ' ' || header[i] === '\t') i++;
      if (i < header.length && header[i] !== ';') return undefined;
    } else {
      const end = header.indexOf(';', i);
      value = (end < 0 ? header.slice(i) : header.slice(i, end)).trim();
      i = end < 0 ? header.length : end;
    }
    if (!key) return undefined;
    out.push([key, value]);
  }
  return out;
}
