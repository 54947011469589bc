// The manifest as the CLI sees it: loaded for other commands (an invalid one is unusable input),
// and edited in place by `suggest --write` — only the `permissions` value of the file's text changes.
import { loadManifest, type Manifest, type ManifestOptions } from '../config/manifest.js';
import { readTextFile } from '../config/text-file.js';
import { ManifestError, formatProblem } from '../core/errors.js';
import type { PermissionEntry } from '../coverage/least-privilege.js';
import { CliError } from './args.js';
import { isReadableFile, parseJsonText, readText, writeFileAtomic } from './files.js';

export const DEFAULT_MANIFEST = './stripe-app.json';
const MANIFEST_MAX_BYTES = 1024 * 1024;

/** Loads a manifest another command depends on: a missing or invalid one is a usage error (exit 2). */
export function readManifest(path: string, options?: ManifestOptions): Manifest {
  if (!isReadableFile(path)) {
    // Says why: no such file, a directory or FIFO (refused before opening), or no read permission.
    const read = readTextFile(path, MANIFEST_MAX_BYTES);
    throw new CliError(`Cannot read manifest ${path}: ${read.ok ? 'cannot be read' : read.message}. Pass --manifest <path to stripe-app.json>.`);
  }
  try {
    return loadManifest(path, options);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const errors = e.problems.filter((p) => p.severity === 'error');
    throw new CliError([`Invalid manifest ${path} (run: stripe-permission-guard check ${path}):`, ...errors.map(formatProblem)].join('\n'));
  }
}

interface Member {
  readonly key: string;
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * The top-level members of a JSON object text, with offsets. The text is known to be valid JSON
 * (it was just parsed), so this only needs to skip strings and nested brackets correctly.
 */
function topLevelMembers(text: string): { members: Member[]; open: number } {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          skipString();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0);
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  };
  ws();
  const open = i;
  i++; // the root '{'
  const members: Member[] = [];
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    ws();
    i++; // ':'
    ws();
    const valueStart = i;
    skipValue();
    members.push({ key, keyStart, valueStart, valueEnd: i });
    ws();
    if (text[i] === ',') i++;
  }
  return { members, open };
}

const lineIndent = (text: string, at: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', at - 1) + 1))![0];

/**
 * The file's text with `permissions` replaced (or added after the last member), in the file's own
 * indentation and line endings. Everything else is left byte for byte.
 */
export function replacePermissions(text: string, permissions: readonly PermissionEntry[]): string {
  const { members, open } = topLevelMembers(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const first = members[0];
  const multiLine = first ? text.slice(open, first.keyStart).includes('\n') : true;
  // The indentation unit is that of the root's members; a single-line file stays single-line.
  const unit = first ? (multiLine ? lineIndent(text, first.keyStart) : '') : '  ';
  // JSON.parse keeps the last of duplicate keys, so that is the one to replace.
  const target = members.filter((m) => m.key === 'permissions').pop();
  const entries = permissions.map(({ permission, purpose }) => ({ permission, purpose }));
  // Entries written one per line (`{ "permission": …, "purpose": … }`) stay one per line.
  const inline = target && multiLine ? /^\s*\{(\s?)"(permission|purpose)"[^\n]*\}/m.exec(text.slice(target.valueStart + 1, target.valueEnd)) : null;
  const render = (base: string) => {
    if (!inline || !entries.length) return JSON.stringify(entries, null, unit || undefined).replace(/\n/g, eol + base);
    const pad = inline[1] ?? '';
    const items = entries.map((e) => `${base}${unit}{${pad}"permission": ${JSON.stringify(e.permission)}, "purpose": ${JSON.stringify(e.purpose)}${pad}}`);
    return `[${eol}${items.join(`,${eol}`)}${eol}${base}]`;
  };
  if (target) {
    const base = multiLine ? lineIndent(text, target.keyStart) : '';
    return text.slice(0, target.valueStart) + render(base) + text.slice(target.valueEnd);
  }
  const last = members[members.length - 1];
  const sep = multiLine ? eol + unit : '';
  const member = `"permissions":${multiLine ? ' ' : ''}${render(multiLine ? unit : '')}`;
  if (last) return `${text.slice(0, last.valueEnd)},${sep}${member}${text.slice(last.valueEnd)}`;
  return `${text.slice(0, open + 1)}${eol}${unit}${member}${eol}${text.slice(open + 1).replace(/^\s*/, '')}`;
}

/**
 * Rewrites the manifest's `permissions` in place. Refuses to write unless the result parses to
 * the same object with only `permissions` changed: never lose user data.
 */
export function writePermissions(path: string, permissions: readonly PermissionEntry[]): void {
  const raw = readText(path, 'manifest', { keepBom: true, maxBytes: MANIFEST_MAX_BYTES });
  // A byte-order mark is kept as it was; JSON.parse and the scanner work on the text after it.
  const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const original = raw.slice(bom.length);
  const before = parseJsonText(original, path, 'manifest') as Record<string, unknown>;
  const next = replacePermissions(original, permissions);
  const after = JSON.parse(next) as Record<string, unknown>;
  const { permissions: _before, ...restBefore } = before;
  const { permissions: written, ...restAfter } = after;
  const wanted = permissions.map(({ permission, purpose }) => ({ permission, purpose }));
  if (JSON.stringify(restBefore) !== JSON.stringify(restAfter) || JSON.stringify(written) !== JSON.stringify(wanted)) {
    throw new CliError(`Refusing to write ${path}: the edit would change more than "permissions". The file is unchanged; edit it by hand.`);
  }
  writeFileAtomic(path, bom + next);
}
