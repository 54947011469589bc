// Manifest files are hostile input: only regular files of bounded size are read, a FIFO never
// blocks, and no message quotes a file that is not a JSON manifest.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError } from '../src/index.js';
import { type ManifestIssue } from '../src/config/manifest.js';
import { readTextFile } from '../src/config/text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'spg-manifest-files-'));
const file = (name: string, content: string | object) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
function failure(run: () => unknown): { problems: ManifestIssue[]; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof ManifestError) return { problems: e.problems as ManifestIssue[], message: e.message };
    throw e;
  }
  throw new Error('expected a ManifestError');
}

const SECRET = 'sk_live_51HxQkLp0TopSecretValue';
const fifo = join(dir, 'stripe-app.fifo.json');
const socket = join(dir, 'stripe-app.sock');
let writer: ChildProcess | undefined;
let server: Server | undefined;

beforeAll(async () => {
  execFileSync('mkfifo', [fifo]);
  // A writer waits on the FIFO: were it opened for reading, the open would succeed and the test
  // would see a manifest instead of the refusal, rather than hang.
  writer = spawn('sh', ['-c', `printf '{"permissions":[]}' > "$0"`, fifo], { stdio: 'ignore' });
  server = createServer();
  await new Promise<void>((done) => server!.listen(socket, done));
  mkdirSync(join(dir, 'stripe-app.dir.json'));
  file('big.json', `{"name": "${'x'.repeat(2 * 1024 * 1024)}"}`);
  file('.env', `STRIPE_SECRET_KEY=${SECRET}\nDATABASE_URL=postgres://admin:hunter2@db\n`);
  file('string.json', JSON.stringify(SECRET));
});
afterAll(() => {
  writer?.kill();
  server?.close();
});

describe('the manifest path and every extends target must be a regular file of at most 1 MB', () => {
  // [case, path (or a local manifest extending it), expected problem]
  const rows: [string, () => string, Partial<Omit<ManifestIssue, 'message'>> & { message: RegExp }][] = [
    ['a FIFO', () => fifo, { code: 'unreadable', entry: '(file)', message: /is a FIFO \(named pipe\), not a regular file/ }],
    ['/dev/zero', () => '/dev/zero', { code: 'unreadable', file: 'zero', message: /is a character device, not a regular file/ }],
    ['a directory', () => join(dir, 'stripe-app.dir.json'), { code: 'unreadable', message: /is a directory, not a regular file/ }],
    ['a socket', () => socket, { code: 'unreadable', message: /is a socket, not a regular file/ }],
    ['a 2 MB file', () => join(dir, 'big.json'), { code: 'too_large', message: /is larger than 1048576 bytes \(2097164 bytes\)/ }],
    [
      'extends a FIFO',
      () => file('via-fifo.json', { extends: 'stripe-app.fifo.json' }),
      {
        file: 'stripe-app.fifo.json',
        message: /is a FIFO \(named pipe\), not a regular file\. "extends" in via-fifo\.json must name a stripe-app\.json manifest$/,
      },
    ],
    [
      'extends /dev/zero',
      () => file('via-zero.json', { extends: '/dev/zero' }),
      { file: 'zero', message: /character device, not a regular file\. "extends" in via-zero\.json must/ },
    ],
    ['extends a 2 MB file', () => file('via-big.json', { extends: 'big.json' }), { file: 'big.json', code: 'too_large', message: /larger than 1048576 bytes/ }],
  ];
  it.each(rows)('%s', (_, path, expected) => {
    const started = Date.now();
    const { problems } = failure(() => loadManifest(path()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(problems).toEqual([expect.objectContaining({ ...expected, message: expect.stringMatching(expected.message) })]);
  });

  // Linux only: a /proc file's stat size is 0, whatever it holds.
  const proc = '/proc/self/status';
  it.skipIf(!existsSync(proc))('reads at most limit + 1 bytes even when stat reports no size (/proc files)', () => {
    expect(readTextFile(proc, 1024 * 1024)).toMatchObject({ ok: true });
    expect(readTextFile(proc, 100)).toEqual({ ok: false, code: 'too_large', message: 'is larger than 100 bytes' });
  });
  it('a regular file within the limit is read', () => {
    expect(readTextFile(file('ok.json', '{"a": 1}'), 8)).toEqual({ ok: true, text: '{"a": 1}' });
    expect(readTextFile(file('ok.json', '{"a": 1}'), 7)).toMatchObject({ ok: false, code: 'too_large' });
  });
  it('a file that is not UTF-8 is refused without quoting it', () => {
    const path = join(dir, 'latin1.json');
    writeFileSync(path, Buffer.from('{"caf\xe9": 1}', 'latin1'));
    expect(failure(() => loadManifest(path)).problems).toEqual([
      expect.objectContaining({ code: 'unreadable', message: expect.stringContaining('is not UTF-8 text') }),
    ]);
  });
});

describe('files that are not JSON manifests are never quoted', () => {
  // [case, the file extends names, expected code, expected message]
  const rows: [string, string, string, RegExp][] = [
    [
      'a .env file',
      '.env',
      'invalid_json',
      /^is not valid JSON at line 1, column 1: expected a JSON value, found a letter\. "extends" in local\.json must name a stripe-app\.json manifest$/,
    ],
    ['a JSON string holding a key', 'string.json', 'not_an_object', /^a manifest is a JSON object, got a string\./],
  ];
  it.each(rows)('%s', (_, target, code, message) => {
    const { problems, message: thrown } = failure(() => loadManifest(file('local.json', { extends: target, permissions: [] })));
    expect(problems).toEqual([expect.objectContaining({ file: target, code, message: expect.stringMatching(message) })]);
    for (const leak of [SECRET, 'sk_live', 'STRIPE_SECRET_KEY', 'hunter2', 'postgres']) expect(thrown).not.toContain(leak);
  });
  it('a key in a manifest value is redacted', () => {
    const path = file('leaky.json', {
      permissions: [
        { permission: SECRET, purpose: 'x' },
        { permission: 'customer_read', purpose: 7 },
      ],
    });
    const { problems, message } = failure(() => loadManifest(path));
    expect(problems.map((p) => p.code)).toEqual(['unknown_permission', 'purpose_invalid']);
    expect(message).toContain('"sk_live_…"');
    expect(message).not.toContain('51HxQ');
  });
});

describe('extends', () => {
  it('a 3-file cycle is shown closed, where it closes', () => {
    file('a.json', { extends: 'b.json' });
    file('b.json', { extends: './c.json' });
    file('c.json', { extends: 'a.json', permissions: [] });
    expect(failure(() => loadManifest(join(dir, 'a.json'))).problems).toEqual([
      expect.objectContaining({
        file: 'c.json',
        entry: 'extends',
        code: 'extends_cycle',
        message: 'closes a cycle: a.json → b.json → c.json → a.json. Remove "extends" from one of these files',
      }),
    ]);
  });
  it('a manifest extending itself', () => {
    const self = file('self.json', { extends: 'self.json' });
    expect(failure(() => loadManifest(self)).problems[0]!.message).toContain('self.json → self.json');
  });
  it('problems of every file are collected at once, each with its file', () => {
    file('base.json', '{\n  "permissions": [\n    { "permission": "customer_reed", "purpose": "x" }\n  ],\n  "id": "a",\n  "id": "b"\n}');
    const local = file('local-2.json', { extends: 'base.json', verison: '2', permisions: [] });
    const { problems } = failure(() => loadManifest(local));
    expect(problems.map((p) => [p.file, p.entry, p.code, p.severity])).toEqual([
      ['local-2.json', 'verison', 'unknown_key', 'warning'],
      ['local-2.json', 'permisions', 'unknown_key', 'error'],
      ['base.json', 'id', 'duplicate_key', 'warning'],
      ['base.json', 'permissions[0].permission', 'unknown_permission', 'error'],
    ]);
    expect(problems[2]!.message).toContain('(lines 5 and 6)');
  });
  it("a broken base does not hide the local file's own problems", () => {
    const local = file('local-3.json', { extends: 'missing.json', permissions: [{ permission: 'customer_reed', purpose: 'x' }] });
    expect(failure(() => loadManifest(local)).problems.map((p) => [p.file, p.entry, p.code])).toEqual([
      ['missing.json', '(file)', 'unreadable'],
      ['local-3.json', 'permissions[0].permission', 'unknown_permission'],
    ]);
  });
});
