// examples/static: the ESLint config and the scan command the docs show, run as a user runs them.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, 'examples/static');
// The files the docs show, by the paths they name them with.
const CONFIG = 'examples/static/eslint.config.mjs';
const OPTIONS = 'examples/static/eslint.options.config.mjs';
const SOURCE = 'examples/static/src/refunds.mjs';
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('examples/static', () => {
  it('eslint.config.mjs reports the call no test reaches, at its line, in the runtime wording', async () => {
    const eslint = new ESLint({ cwd: DIR, overrideConfigFile: join(ROOT, CONFIG) });
    const [result] = await eslint.lintFiles([join(ROOT, SOURCE)]);
    expect(result!.messages.map((m) => [m.line, m.ruleId])).toEqual([[11, 'stripe-permission-guard/no-undeclared-permission']]);
    expect(result!.messages[0]!.message).toContain("Having the 'charge_write' permission would allow this request to continue.");
  });

  it('eslint.options.config.mjs: every option spelled out, the same report', async () => {
    const eslint = new ESLint({ cwd: DIR, overrideConfigFile: join(ROOT, OPTIONS) });
    const [result] = await eslint.lintFiles([join(ROOT, SOURCE)]);
    expect(result!.messages.map((m) => m.line)).toEqual([11]);
  });

  it('scan lists the call sites and what the manifest is missing (exit 1), and feeds suggest --usage', () => {
    const scan = spawnSync(process.execPath, [CLI, 'scan', 'src', '--manifest', 'stripe-app.json'], { cwd: DIR, encoding: 'utf8' });
    expect(scan.status).toBe(1);
    expect(scan.stdout).toContain('src/refunds.mjs:11  refunds.create');
    expect(scan.stdout).toContain('✗ charge_write — src/refunds.mjs:11 refunds.create');
    const json = spawnSync(process.execPath, [CLI, 'scan', 'src', '--json'], { cwd: DIR, encoding: 'utf8' });
    const file = join(DIR, '..', '..', 'node_modules', '.spg-scan.json');
    writeFileSync(file, json.stdout);
    const suggest = spawnSync(process.execPath, [CLI, 'suggest', '--usage', file, '--manifest', 'stripe-app.json'], { cwd: DIR, encoding: 'utf8' });
    expect(suggest.stdout).toContain('charge_write');
  });
});
