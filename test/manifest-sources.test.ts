// A manifest as users hand it over: a path (relative to process.cwd()), a file: URL
// (`new URL('./stripe-app.json', import.meta.url)`, a URL from any realm), or the parsed object;
// and files decoded as strict UTF-8 without a global TextDecoder (Jest's jsdom has none).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { guard, loadManifest, ManifestError, parseManifest } from '../src/index.js';
import { decodeUtf8 } from '../src/config/json.js';

const dir = mkdtempSync(join(tmpdir(), 'spg manifest #sources-'));
const manifestPath = join(dir, 'stripe-app.json');
writeFileSync(manifestPath, JSON.stringify({ id: 'com.example.app', permissions: [{ permission: 'customer_read', purpose: 'Show customers' }] }));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ManifestError) return e.problems.map((p) => p.message);
    throw e;
  }
  throw new Error('expected a ManifestError');
}

describe('decodeUtf8: strict UTF-8, as TextDecoder with fatal: true', () => {
  const fatal = (bytes: Uint8Array, keepBom = false) => {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  it.each([
    ['ASCII', [0x7b, 0x7d]],
    ['two-byte', [0x63, 0xc3, 0xa9]],
    ['three-byte', [0xe2, 0x82, 0xac]],
    ['four-byte (a surrogate pair)', [0xf0, 0x9f, 0x92, 0xb3]],
    ['a byte-order mark', [0xef, 0xbb, 0xbf, 0x7b, 0x7d]],
    ['overlong /', [0xc0, 0xaf]],
    ['overlong three-byte', [0xe0, 0x80, 0xaf]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated', [0xe2, 0x82]],
    ['a lone continuation byte', [0x80]],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9]],
  ])('%s', (_name, bytes) => {
    const u8 = new Uint8Array(bytes);
    expect(decodeUtf8(u8)).toBe(fatal(u8));
    expect(decodeUtf8(u8, { keepBom: true })).toBe(fatal(u8, true));
  });
  it('agrees with TextDecoder on random bytes and on every string encoded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (u8) => decodeUtf8(u8) === fatal(u8)),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => decodeUtf8(new TextEncoder().encode(s), { keepBom: true }) === s));
  });
  it('decodes more than one chunk of text', () => {
    const text = 'é€💳'.repeat(5000);
    expect(decodeUtf8(new TextEncoder().encode(text))).toBe(text);
  });
});

describe('manifest sources', () => {
  it('a file: URL object is read like its path, by loadManifest, parseManifest and guard()', () => {
    const url = pathToFileURL(manifestPath);
    expect(loadManifest(url).names).toEqual(['customer_read']);
    expect(parseManifest(url).names).toEqual(['customer_read']);
    const stripe = guard(new Stripe('sk_test_x'), { manifest: url as unknown as Record<string, unknown> });
    return expect(stripe.customers.update('cus_1', { name: 'x' })).rejects.toMatchObject({ missingPermissions: ['customer_write'] });
  });
  it('a URL from another realm (jsdom) is recognized by its shape', () => {
    const foreign = Object.create({ marker: true }) as Record<string, string>;
    Object.assign(foreign, { href: pathToFileURL(manifestPath).href, protocol: 'file:', pathname: pathToFileURL(manifestPath).pathname });
    expect(parseManifest(foreign).names).toEqual(['customer_read']);
  });
  it.each([
    ['https://example.com/stripe-app.json', 'a manifest URL must be a local file: URL, got a https: URL. Pass a path'],
    ['http://localhost:3000/stripe-app.json', "got a http: URL (import.meta.url is one in vitest's jsdom and happy-dom environments). Pass a path"],
    ['file://server/share/stripe-app.json', 'a manifest URL must be a local file: URL, got one that names no local file'],
  ])('%s is refused, saying what to pass instead', (href, message) => {
    const [problem] = problemsOf(() => parseManifest(new URL(href)));
    expect(problem).toContain(message);
    expect(problem).toContain('Pass a path (relative to the current directory), a file: URL, or the parsed manifest');
  });
  it('a plain object is validated as the manifest itself, never read as a URL', () => {
    const manifest = parseManifest({ href: pathToFileURL(manifestPath).href, protocol: 'file:', pathname: '/stripe-app.json' });
    expect(manifest.names).toEqual([]);
    expect(manifest.file).toBe('(inline manifest)');
  });
  it('a relative path resolves against process.cwd()', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadManifest('stripe-app.json').names).toEqual(['customer_read']);
    } finally {
      process.chdir(cwd);
    }
  });
});
