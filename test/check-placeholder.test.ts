// `check` warns on purposes `suggest --write` left as its placeholder: valid JSON, but installing
// users would read "TODO". The built bin, as users run it (`npm test` builds first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PURPOSE_TODO } from '../src/coverage/least-privilege.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spg-check-todo-'));
const manifest = (name: string, permissions: { permission: string; purpose: string }[], extra: object = {}) => {
  writeFileSync(join(dir, name), JSON.stringify({ ...extra, permissions }));
  return name;
};
const check = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('check: placeholder purposes', () => {
  it.each([
    [
      'one placeholder',
      [
        ['customer_read', 'Show customers'],
        ['customer_write', PURPOSE_TODO],
      ],
      ['permissions[1].purpose'],
    ],
    [
      'two placeholders',
      [
        ['customer_write', PURPOSE_TODO],
        ['invoice_read', `  ${PURPOSE_TODO} `],
      ],
      ['permissions[0].purpose', 'permissions[1].purpose'],
    ],
    ['a purpose that only mentions TODO', [['customer_read', 'TODO list sync for customers']], []],
  ] as const)('%s', (name, entries, flagged) => {
    const file = manifest(
      `${name.replace(/ /g, '-')}.json`,
      entries.map(([permission, purpose]) => ({ permission, purpose })),
    );
    const { code, out } = check(file, '--json');
    const result = JSON.parse(out) as { valid: boolean; problems: { entry: string; severity: string; message: string }[] };
    expect(result.valid).toBe(true);
    expect(result.problems.filter((p) => /placeholder/.test(p.message)).map((p) => [p.entry, p.severity])).toEqual(flagged.map((e) => [e, 'warning']));
    // A warning, not an error: the manifest is still valid.
    expect(code).toBe(0);
  });

  it('says what to write, in the text output; also through extends', () => {
    const base = manifest('base.json', [{ permission: 'customer_write', purpose: PURPOSE_TODO }]);
    const local = join(dir, 'local.json');
    writeFileSync(local, JSON.stringify({ extends: base }));
    const { code, out } = check('local.json');
    expect(out).toMatch(/! local\.json: permissions\[0\]\.purpose: still the placeholder from suggest --write: say why the app needs customer_write/);
    expect(out).toMatch(/valid with 1 warning/);
    expect(code).toBe(0);
  });
});
