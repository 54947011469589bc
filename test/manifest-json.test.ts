// JSON syntax errors name line and column on every Node version, without quoting the text;
// duplicate keys are found; the parser agrees with JSON.parse on what is JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadManifest, parseManifest, ManifestError } from '../src/index.js';
import { describeJsonError, parseJson } from '../src/config/json.js';
import type { ManifestIssue } from '../src/config/manifest.js';

describe('syntax errors: line, column and what is wrong, by kind', () => {
  // [text, line, column, message]
  const rows: [string, number, number, string | RegExp][] = [
    ['{"a": 1,}', 1, 8, "a trailing comma before '}' (JSON allows none): remove it"],
    [
      '{\n  "permissions": [\n    { "permission": "customer_read", "purpose": "x" },\n  ]\n}',
      3,
      54,
      "a trailing comma before ']' (JSON allows none): remove it",
    ],
    ['{"a" 1}', 1, 6, "expected ':' after the key, found a digit"],
    ["{'a': 1}", 1, 2, "expected a key in double quotes, found a ' (JSON strings use double quotes)"],
    ['{"a": 1 // why\n}', 1, 9, "expected ',' or '}', found a '/' (JSON has no comments)"],
    ['{"a": [1, 2}', 1, 12, "expected ',' or ']', found '}'"],
    ['{"a": tru}', 1, 7, 'expected a JSON value, found a letter'],
    ['{"a": 01}', 1, 8, "expected ',' or '}', found a digit"],
    ['{"a": "x\ny"}', 1, 9, /^a line break or control character inside a string/],
    ['{"a": "\\x"}', 1, 8, /^an invalid escape in a string/],
    ['{"a": "\\u12"}', 1, 8, 'a \\u escape needs four hex digits'],
    ['{"a": "open', 1, 7, "a string that is never closed (a missing '\"')"],
    ['{\n  "a": [1,\n', 2, 8, "a '[' that is never closed (the file ends first)"],
    ['{"a": {"b": 1}', 1, 1, "a '{' that is never closed (the file ends first)"],
    ['', 1, 1, 'expected a JSON value, found the end of the file'],
    ['\ufeff{"a": 1}}', 1, 9, "'}' after the end of the JSON value (a file holds one value)"],
    ['\r\n\r\n  x', 3, 3, 'expected a JSON value, found a letter'],
    ['{"é": ü}', 1, 7, 'expected a JSON value, found a non-ASCII character'],
  ];
  it.each(rows)('%j', (text, line, column, message) => {
    const r = parseJson(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.line, r.error.column]).toEqual([line, column]);
    expect(r.error.message).toMatch(message);
    expect(() => JSON.parse(text.replace(/^\ufeff/, ''))).toThrow();
  });

  it('nesting is bounded before recursion can exhaust the stack', () => {
    expect(parseJson('['.repeat(65) + ']'.repeat(65))).toEqual({ ok: false, error: { line: 1, column: 65, message: 'values nested deeper than 64 levels' } });
    expect(parseJson('['.repeat(64) + ']'.repeat(64))).toMatchObject({ ok: true });
    expect(describeJsonError('['.repeat(100_000))).toMatchObject({ where: ' at line 1, column 1001' });
  });

  it('describeJsonError gives the same position, whatever the error says', () => {
    expect(describeJsonError('{\n "a": }', new SyntaxError('Unexpected token } in JSON at position 99'))).toEqual({
      where: ' at line 2, column 7',
      detail: "expected a JSON value, found '}'",
    });
  });

  it('a manifest file with a trailing comma names line:col and quotes no line of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spg-manifest-json-'));
    const path = join(dir, 'stripe-app.json');
    writeFileSync(path, '{\n  "id": "com.example.secret-app",\n  "permissions": [\n    { "permission": "customer_read", "purpose": "x" },\n  ]\n}');
    const e = (() => {
      try {
        loadManifest(path);
      } catch (err) {
        return err as ManifestError;
      }
    })();
    expect(e).toBeInstanceOf(ManifestError);
    expect(e!.problems).toEqual([expect.objectContaining({ file: 'stripe-app.json', entry: '(file)', code: 'invalid_json' })]);
    expect(e!.problems[0]!.message).toBe(
      "is not valid JSON at line 4, column 54: a trailing comma before ']' (JSON allows none): remove it. Fix the JSON syntax",
    );
    expect(e!.message).not.toMatch(/secret-app|customer_read/);
  });
});

describe('duplicate keys', () => {
  // [text, duplicates as [path, line, firstLine]]
  const rows: [string, [(string | number)[], number, number][]][] = [
    ['{"a": 1, "a": 2}', [[['a'], 1, 1]]],
    [
      '{\n "p": [\n  {"permission": "x",\n   "permission": "y"}\n ],\n "p": []\n}',
      [
        [['p', 0, 'permission'], 4, 3],
        [['p'], 6, 2],
      ],
    ],
    ['{"a": {"b": 1}, "c": {"b": 1}}', []],
    ['[{"a": 1}, {"a": 1}]', []],
  ];
  it.each(rows)('%j', (text, expected) => {
    const r = parseJson(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.duplicates.map((d) => [d.path, d.line, d.firstLine])).toEqual(expected);
    expect(r.value).toEqual(JSON.parse(text)); // the last one wins, as in JSON.parse
  });

  it('are warnings naming file, key and lines; the last value is the one used', () => {
    const text =
      '{\n  "permissions": [{ "permission": "customer_read", "purpose": "x" }],\n  "permissions": [{ "permission": "invoice_read", "purpose": "y" }]\n}';
    const m = parseManifest(text, 'stripe-app.json');
    expect(m.names).toEqual(['invoice_read']);
    expect(m.warnings).toEqual([
      expect.objectContaining({
        file: 'stripe-app.json',
        entry: 'permissions',
        code: 'duplicate_key',
        severity: 'warning',
        message: 'the key "permissions" appears twice in one object (lines 2 and 3); JSON keeps the last one. Remove the other',
      }),
    ]);
  });
});

describe('the parser agrees with JSON.parse', () => {
  it('on valid JSON: the same value', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), (text) => {
        const r = parseJson(text);
        expect(r.ok && r.value).toEqual(JSON.parse(text));
      }),
    );
  });
  it('on one character changed: both accept or both refuse', () => {
    const mutated = fc
      .tuple(fc.json({ depthSize: 'small' }), fc.nat(), fc.constantFrom(...'{}[],:"\\ 0-.eEtfnu\n\'/x'.split('')))
      .map(([text, at, c]) => text.slice(0, at % (text.length + 1)) + c + text.slice((at % (text.length + 1)) + 1))
      .filter((text) => !text.startsWith('\ufeff'));
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(parseJson(text).ok).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
  it('"__proto__" is an own key, never the prototype', () => {
    const r = parseJson('{"__proto__": {"polluted": true}}');
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.ok && Object.keys(r.value as object)).toEqual(['__proto__']);
  });
});

describe('hostile values are refused cheaply, with the path', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]));
  // [case, manifest, expected problems as [code, entry, message fragment]]
  const rows: [string, unknown, [string, string, string][]][] = [
    ['a cycle', cyclic, [['too_large', Array(32).fill('self').join('.'), 'nested deeper than 32 levels']]],
    ['200000 keys', { permissions: [], constants: wide }, [['too_large', 'constants', 'has 200000 keys; at most 1000 are read']]],
    [
      'too many values',
      { permissions: [], constants: Array.from({ length: 30 }, () => Array(999).fill(0)) },
      [['too_large', '(root)', 'more than 20000 values']],
    ],
    [
      'prototype keys at any depth',
      JSON.parse('{"permissions": [], "ui_extension": {"constructor": 1, "views": [{"__proto__": {}}]}}'),
      [
        ['forbidden_key', 'ui_extension.constructor', '"constructor" is not allowed as a key'],
        ['forbidden_key', 'ui_extension.views[0].__proto__', '"__proto__" is not allowed as a key'],
      ],
    ],
  ];
  it.each(rows)('%s', (_, manifest, expected) => {
    const started = Date.now();
    let problems: ManifestIssue[] = [];
    try {
      parseManifest(manifest);
    } catch (e) {
      problems = (e as ManifestError).problems as ManifestIssue[];
    }
    expect(Date.now() - started).toBeLessThan(500);
    expect(problems.map((p) => [p.code, p.entry])).toEqual(expected.map(([c, e]) => [c, e]));
    expected.forEach(([, , fragment], i) => expect(problems[i]!.message).toContain(fragment));
  });
});
