// Where the map's text comes from. This file is the Node build's: it reads
// mappings/generated/runtime.jsonl (beside src/ and dist/ alike) on the first lookup, so importing
// the package compiles no data, and it reads only the bytes asked for. The build for bundlers (the
// `module` and `browser` export conditions, and the subpaths) replaces this module with one that
// holds the same text as a string literal (tsup.config.ts): a bundle has no package to read from.
import { prefixed } from './common/messages.js';

interface NodeFs {
  openSync(path: URL, flags: 'r'): number;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

/** Reads a byte range of the map: as bytes from the file, as text when embedded (ASCII either way). */
export interface MapReader {
  read(start: number, end: number): Buffer | string;
}

const FIX =
  'Reinstall stripe-permission-guard. If this code is bundled, let the bundler resolve the package with the `module` or `browser` condition (esbuild, webpack, Rollup and Vite do by default), or keep the package external.';

/** The Node reader: each read opens the file and reads that range (map.ts checks what it got). */
export function mapReader(): MapReader {
  const url = new URL('../mappings/generated/runtime.jsonl', import.meta.url);
  if (url.protocol !== 'file:') {
    // A test runner that transforms the package as project code (vitest's server.deps.inline in a DOM environment).
    throw new Error(
      prefixed(`Cannot read the permission map: this copy of the package was loaded from ${url.protocol} (${url.href}), not from a file. ${FIX}`),
    );
  }
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const fs = builtin?.('node:fs') as NodeFs | undefined;
  if (!fs) throw new Error(prefixed(`Cannot read the permission map: this runtime has no node:fs (Node.js ≥ 20.16). ${FIX}`));
  const path = () => (builtin?.('node:url') as { fileURLToPath(url: URL): string } | undefined)?.fileURLToPath(url) ?? url.href;
  const fail = (why: string) => new Error(prefixed(`Cannot read the permission map ${path()} (${why}). ${FIX}`));
  return {
    read(start, end) {
      const failed = (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        return fail(typeof code === 'string' ? code : 'cannot read it');
      };
      let fd: number;
      try {
        fd = fs.openSync(url, 'r');
      } catch (error) {
        throw failed(error);
      }
      const buffer = Buffer.allocUnsafe(end - start);
      let got = 0;
      try {
        let n: number;
        do {
          n = fs.readSync(fd, buffer, got, buffer.length - got, start + got);
          got += n;
        } while (n > 0 && got < buffer.length);
      } catch (error) {
        throw failed(error);
      } finally {
        fs.closeSync(fd);
      }
      if (got < buffer.length) throw fail('it ended early');
      return buffer;
    },
  };
}
