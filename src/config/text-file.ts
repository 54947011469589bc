// Reading a user's file (a manifest, an overrides file, a coverage report): a regular file of
// bounded size, as UTF-8 text, refused cheaply when it is a directory, a FIFO or a device.
import { decodeUtf8 } from './json.js';
import { prefixed } from '../common/messages.js';

// node:fs and node:path are loaded on demand, so that bundling the package for a UI
// extension (which passes a parsed manifest or a permissions list) pulls in no Node built-ins.
interface Stats {
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}
interface NodeFs {
  statSync(p: string): Stats;
  fstatSync(fd: number): Stats;
  openSync(p: string, flags: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  closeSync(fd: number): void;
  constants: { O_RDONLY: number; O_NONBLOCK?: number };
}
export interface NodePath {
  resolve(...p: string[]): string;
  dirname(p: string): string;
  basename(p: string): string;
  isAbsolute(p: string): boolean;
}
export function node<T>(id: 'node:fs' | 'node:path' | 'node:url'): T {
  const mod = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(id);
  if (!mod)
    throw new TypeError(
      prefixed(`Reading a manifest from a path needs Node.js ≥ 20.16 (${id}). Pass the parsed manifest object, or \`permissions\`, instead.`),
    );
  return mod as T;
}

export type TextFileRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: 'not_found' | 'not_a_file' | 'too_large' | 'not_utf8' | 'unreadable'; readonly message: string };

/**
 * Reads a regular file of at most `maxBytes` as UTF-8 text. Directories, FIFOs, sockets and
 * devices are refused by stat before opening, and the file is opened non-blocking and checked
 * again, so a FIFO swapped in meanwhile cannot hang the process. Messages never quote content.
 *
 * @example
 * readTextFile('/dev/zero', 1024) // { ok: false, code: 'not_a_file', message: 'is a character device, not a regular file' }
 */
export function readTextFile(path: string, maxBytes: number, options: { keepBom?: boolean } = {}): TextFileRead {
  const fs = node<NodeFs>('node:fs');
  const refuse = (st: Stats): TextFileRead | undefined => {
    if (!st.isFile()) {
      const kind = st.isDirectory()
        ? 'a directory'
        : st.isFIFO()
          ? 'a FIFO (named pipe)'
          : st.isSocket()
            ? 'a socket'
            : st.isCharacterDevice()
              ? 'a character device'
              : st.isBlockDevice()
                ? 'a block device'
                : 'not a regular file';
      return { ok: false, code: 'not_a_file', message: `is ${kind}, not a regular file` };
    }
    return st.size > maxBytes ? tooLarge(st.size) : undefined;
  };
  const tooLarge = (size?: number): TextFileRead => ({
    ok: false,
    code: 'too_large',
    message: `is larger than ${maxBytes} bytes${size === undefined ? '' : ` (${size} bytes)`}`,
  });
  let fd: number | undefined;
  try {
    const early = refuse(fs.statSync(path));
    if (early) return early;
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const late = refuse(fs.fstatSync(fd));
    if (late) return late;
    // Sizes of files like /proc ones are 0 in stat: read in growing chunks, never past maxBytes + 1.
    let buffer = new Uint8Array(Math.min(maxBytes + 1, Math.max(fs.fstatSync(fd).size + 1, 64 * 1024)));
    let length = 0;
    for (let n; (n = fs.readSync(fd, buffer, length, buffer.length - length, null)) > 0;) {
      length += n;
      if (length === maxBytes + 1) return tooLarge();
      if (length === buffer.length) {
        const grown = new Uint8Array(Math.min(maxBytes + 1, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
    }
    const text = decodeUtf8(buffer.subarray(0, length), options);
    return text === undefined ? { ok: false, code: 'not_utf8', message: 'is not UTF-8 text' } : { ok: true, text };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, code: 'not_found', message: 'no such file' };
    return { ok: false, code: 'unreadable', message: `cannot be read (${code ?? 'unknown error'})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
