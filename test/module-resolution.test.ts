// The types users write against, compiled by tsc under every module/moduleResolution setting
// docs/compatibility.md lists: the matchers through "types" (vitest and Jest), and the README's
// error handling. Fixtures in test/fixtures/module-resolution/{esm,cjs} (each with its own
// package.json "type"), resolved through node_modules as an installed package would be.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { linkPackageIntoNodeModules } from './helpers/self-link.js';

const root = new URL('..', import.meta.url).pathname;
const TSC = join(root, 'node_modules/typescript/bin/tsc');
const dir = (kind: 'esm' | 'cjs') => join(root, 'test/fixtures/module-resolution', kind);

beforeAll(() => linkPackageIntoNodeModules());

const VITEST = 'node,stripe-permission-guard/vitest/setup';
const JEST = 'node,jest,stripe-permission-guard/jest/setup';
// [setting, module, moduleResolution, fixture folder, "types", files, extra flags]. A project uses
// one runner: the vitest and the Jest matcher declarations are not compiled together.
const CASES: [string, string, string, 'esm' | 'cjs', string, string[], string[]][] = [
  // examples/typescript/errors.ts is the README's error handling.
  ['node16, ES modules, vitest', 'node16', 'node16', 'esm', VITEST, ['vitest.spec.ts', 'errors.ts', '../../../../examples/typescript/errors.ts'], []],
  // vitest is ESM only: under node16 its own types refuse CommonJS test files.
  ['node16, CommonJS, Jest', 'node16', 'node16', 'cjs', JEST, ['jest.spec.ts', 'errors.ts'], []],
  ['nodenext, ES modules, vitest', 'nodenext', 'nodenext', 'esm', VITEST, ['vitest.spec.ts', 'errors.ts'], []],
  ['nodenext, CommonJS, Jest', 'nodenext', 'nodenext', 'cjs', JEST, ['jest.spec.ts', 'errors.ts'], []],
  ['bundler, vitest', 'esnext', 'bundler', 'esm', VITEST, ['vitest.spec.ts', 'errors.ts', '../../../../examples/typescript/errors.ts'], []],
  ['bundler, Jest', 'esnext', 'bundler', 'esm', JEST, ['jest.spec.ts'], []],
  ['commonjs + node10, vitest', 'commonjs', 'node10', 'esm', VITEST, ['vitest.spec.ts', 'errors.ts'], ['--esModuleInterop']],
  ['commonjs + node10, Jest', 'commonjs', 'node10', 'esm', JEST, ['jest.spec.ts'], ['--esModuleInterop']],
];

describe('types under each module resolution', () => {
  it.concurrent.each(CASES)(
    '%s',
    async (_, module, resolution, kind, types, files, extra) => {
      const args = [
        TSC,
        '--noEmit',
        '--strict',
        // Our declarations are checked in full by test/jest-types.test.ts; here what matters is which
        // files each setting resolves. (Under node10 vitest's own declarations need it anyway.)
        '--skipLibCheck',
        '--target',
        'es2022',
        '--module',
        module,
        '--moduleResolution',
        resolution,
        '--types',
        types,
        ...extra,
        ...files,
      ];
      const output = await new Promise<string>((done) =>
        execFile(process.execPath, args, { cwd: dir(kind), encoding: 'utf8' }, (error, stdout, stderr) => done(error ? stdout + stderr || String(error) : '')),
      );
      expect(output).toBe('');
    },
    120_000,
  );
});
