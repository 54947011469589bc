// The matchers' types reach users through the setup paths the README shows: tsc over fixture
// projects, each with its own tsconfig and `skipLibCheck: false`, so an error in our
// declarations fails too. A fixture using a matcher without its types does not compile.
import { execFile } from 'node:child_process';
import { linkPackageIntoNodeModules } from './helpers/self-link.js';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
linkPackageIntoNodeModules();

const tsc = (project: string) =>
  new Promise<{ code: number; out: string }>((done) => {
    execFile(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', `test/fixtures/${project}/tsconfig.json`],
      { cwd: root, encoding: 'utf8' },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
    );
  });

describe('matcher types from the setup path', () => {
  it.concurrent.each([
    ['Jest, @types/jest globals, "types": ["jest", …/jest/setup], moduleResolution node10', 'jest-project'],
    ['Jest, @jest/globals, "types": [… /jest/setup], NodeNext', 'jest-types-globals'],
    ['vitest, /// <reference types="…/vitest/setup" />', 'vitest-types'],
  ])(
    '%s',
    async (_, project) => {
      const { code, out } = await tsc(project);
      expect(out).toBe('');
      expect(code).toBe(0);
    },
    60_000,
  );
});
