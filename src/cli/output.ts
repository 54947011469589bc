// Where output goes and whether it is colored. Colors only on a TTY and without NO_COLOR
// (https://no-color.org); --json never colors, so machine output stays parseable.
import type { EventCheck } from '../events.js';
import { listEventTypes } from '../events.js';
import { nearest } from '../common/nearest.js';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
  readonly json: boolean;
}

export function createIo(json: boolean): Io {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    color: !json && !noColor && process.stdout.isTTY === true,
    json,
  };
}

import { paint, type Paint } from '../common/text.js';

export { paint, type Paint };

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Event checks fail on a missing permission, and on an unknown type (a typo subscribes to nothing). */
export function eventsFailed(checks: readonly EventCheck[], granted: boolean): boolean {
  return checks.some((c) => c.status === 'unknown' || (granted && c.status === 'missing'));
}

/**
 * One line per event type. `granted` is false when no manifest was given: then a missing
 * permission is only what the event needs, not a failure.
 */
export function formatEvents(checks: readonly EventCheck[], granted: boolean, p: Paint): string {
  const width = Math.max(0, ...checks.map((c) => c.type.length));
  const lines = [`Events (${checks.length}):`];
  for (const c of checks) {
    const type = c.type.padEnd(width);
    if (c.status === 'covered') lines.push(`  ${p.green('✓')} ${type}  covered by ${c.satisfiedBy}`);
    else if (c.status === 'none') lines.push(`  ${p.yellow('?')} ${type}  the event permissions table lists no permission for it: it cannot be checked`);
    else if (c.status === 'missing') {
      const needs = c.anyOf.length === 1 ? `needs ${c.anyOf[0]}` : `needs one of ${c.anyOf.join(', ')}`;
      const fix = `add "${c.anyOf[0]}"`;
      lines.push(granted ? `  ${p.red('✗')} ${type}  ${needs}: ${fix}` : `  • ${type}  ${needs}`);
    } else {
      const guess = nearest(c.type, listEventTypes());
      lines.push(`  ${p.yellow('?')} ${type}  unknown event type${guess ? ` — did you mean "${guess}"?` : ''}`);
    }
  }
  return lines.join('\n');
}
