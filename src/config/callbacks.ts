// What a user's callbacks may do without stopping a request or the process: throw, return
// anything, return a promise that rejects. And a bounded "warned already" set.
import { prefixed } from '../common/messages.js';

/** Where warnings go: `console`, or the `logger` option. */
export interface Logger {
  warn(message: string): void;
}

const WARN_LIMIT = 1_000;
const WARN_CHARS = 256 * 1024;

/** A bounded "warned already" set (entries and characters): past its size it starts again (a warning may repeat, memory may not grow). */
export class WarnOnce {
  readonly #keys = new Set<string>();
  #chars = 0;
  first(key: string): boolean {
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= WARN_LIMIT || this.#chars + key.length > WARN_CHARS) {
      this.#keys.clear();
      this.#chars = 0;
    }
    this.#keys.add(key);
    this.#chars += key.length;
    return true;
  }
}

/**
 * Runs a user's callback: whatever it throws, returns or rejects with, the request goes on and
 * the process does not end (a returned promise's rejection is caught).
 */
export function safeCall(fn: () => unknown, onError?: (e: unknown) => void): void {
  try {
    const r = fn();
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
      Promise.resolve(r).then(undefined, (e: unknown) => onError?.(e));
    }
  } catch (e) {
    onError?.(e);
  }
}

/** A user's logger: whatever it throws or rejects with, the request goes on. */
export function safeWarn(logger: Logger, message: string): void {
  safeCall(() => logger.warn(prefixed(message)));
}
