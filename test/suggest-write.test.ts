// `suggest --write` never loses what it cannot see: on usage with no call, or with calls it could
// not judge, every declared permission is kept with its purpose; an empty list is written only
// when asked. The built bin, run as a subprocess (`npm test` builds dist/ first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport, type TestRecord } from '../src/coverage/report.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spg-suggest-'));
const file = (name: string, content: unknown) => writeFileSync(join(dir, name), JSON.stringify(content, null, 2));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const entry = (permission: string, purpose = 'Because') => ({ permission, purpose });
// Hand-written records, as the guard would record them.
const rec = (method: string, anyOf: string[], by: string | undefined, test: string): TestRecord => ({
  method,
  httpMethod: 'GET',
  path: `/v1/${method}`,
  status: 'mapped',
  declared: ['customer_read', 'invoice_write'],
  unknowns: [],
  test,
  satisfied: by ? [{ anyOf, because: method, satisfiedBy: by, via: by }] : [],
  missing: by ? [] : [{ anyOf, because: method, permission: anyOf[0]! }],
  outcome: by ? 'allowed' : 'rejected',
});
const READ_CUSTOMER = rec('customers.retrieve', ['customer_read', 'customer_write'], 'customer_read', 'a > reads');

describe('suggest --write on usage that shows nothing unused', () => {
  const two = { id: 'com.example.app', permissions: [entry('customer_read', 'Show customers'), entry('invoice_write', 'Bill')] };
  file('no-calls.json', buildReport([]));
  file(
    'unknown-call.json',
    buildReport([
      READ_CUSTOMER,
      { ...rec('accounts.update', [], undefined, 'c'), missing: [], unknowns: [{ because: 'accounts.update', reason: 'no permission known' }] },
    ]),
  );
  file('none-needed.json', buildReport([{ ...rec('oauth.authorizeUrl', [], 'x', 'c'), satisfied: [], status: 'none' }]));

  it.each([
    ['no call', 'no-calls.json', 'the usage holds no call'],
    ['a call the map cannot decide', 'unknown-call.json', '1 call could not be judged (accounts.update)'],
  ])('keeps every declared permission and its purpose on %s', (_, usage, why) => {
    file('w1.json', two);
    const r = run('suggest', '--usage', usage, '--manifest', 'w1.json', '--write', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      drop: [],
      withheld: usage === 'no-calls.json' ? ['customer_read', 'invoice_write'] : ['invoice_write'],
      withheldBecause: why,
    });
    expect(JSON.parse(readFileSync(join(dir, 'w1.json'), 'utf8')).permissions).toEqual(two.permissions);
    const text = run('suggest', '--usage', usage, '--manifest', 'w1.json', '--write');
    expect(text.out).toContain(`Kept, though no call seen needs them`);
    expect(text.out).toContain('= invoice_write');
  });

  it('refuses to write an empty list unless --allow-empty, and shows the diff when writing', () => {
    file('w2.json', two);
    const r = run('suggest', '--usage', 'none-needed.json', '--manifest', 'w2.json', '--write');
    expect(r.code).toBe(1);
    expect(r.err).toContain('would declare no permission');
    expect(JSON.parse(readFileSync(join(dir, 'w2.json'), 'utf8')).permissions).toEqual(two.permissions);
    const ok = run('suggest', '--usage', 'none-needed.json', '--manifest', 'w2.json', '--write', '--allow-empty');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('- customer_read');
    expect(ok.out).toContain('- invoice_write');
    expect(JSON.parse(readFileSync(join(dir, 'w2.json'), 'utf8')).permissions).toEqual([]);
  });
});
