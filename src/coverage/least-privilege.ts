// The smallest permission list that covers what a coverage report saw.
import { accessOf, impliedClosure } from '../map/catalog.js';
import type { CoverageReport } from './report.js';

export interface PermissionEntry {
  readonly permission: string;
  readonly purpose: string;
}

export interface Suggestion {
  /** The suggested `permissions` array, existing purposes kept, in the manifest's order then new ones. */
  readonly permissions: readonly PermissionEntry[];
  readonly keep: readonly string[];
  readonly add: readonly string[];
  readonly drop: readonly string[];
}

export interface SuggestOptions {
  /**
   * Keep every declared permission, adding only what the calls need beyond them: for usage that
   * cannot show what is unused (no calls, or calls it could not judge).
   */
  readonly keepDeclared?: boolean;
}

/**
 * The purpose `suggest --write` puts in entries it adds; `check` warns while it is still there.
 *
 * @example
 * manifest.permissions.filter((p) => p.purpose === PURPOSE_TODO) // the purposes left to write
 */
export const PURPOSE_TODO = 'TODO: say why the app needs this (installing users read it)';

/**
 * Least-privilege permissions for the calls in a report: every requirement seen is covered
 * by one permission or one it implies, preferring what is already chosen, then `_read`.
 *
 * @example
 * suggestPermissions(report, manifest.permissions).drop // ['invoice_write']
 */
export function suggestPermissions(report: CoverageReport, current: readonly PermissionEntry[] = [], options: SuggestOptions = {}): Suggestion {
  const sets = report.calls.flatMap((call) => call.requirements.map((q) => q.anyOf));
  const declared = current.map((c) => c.permission);
  if (options.keepDeclared) {
    // Only what the declared permissions (and what they imply) leave unmet is added.
    const covered = impliedClosure(new Set(declared));
    const add = choosePermissions(
      sets.filter((anyOf) => !anyOf.some((p) => covered.has(p))),
      declared,
    ).sort();
    return {
      permissions: [...current, ...add.map((permission) => ({ permission, purpose: PURPOSE_TODO }))],
      keep: declared,
      add,
      drop: [],
    };
  }
  const chosen = new Set(choosePermissions(sets, declared));
  const keep = current.filter((c) => chosen.has(c.permission));
  const add = [...chosen].filter((p) => !declared.includes(p)).sort();
  return {
    permissions: [...keep, ...add.map((permission) => ({ permission, purpose: PURPOSE_TODO }))],
    keep: keep.map((k) => k.permission),
    add,
    drop: current.filter((c) => !chosen.has(c.permission)).map((c) => c.permission),
  };
}

/**
 * The smallest set of permissions meeting every requirement (each an `anyOf` list), preferring
 * `preferred` ones, then `_read`. Shared by suggestions and the matchers' diffs.
 *
 * @example
 * choosePermissions([['customer_read', 'customer_write']], []) // ['customer_read']
 */
export function choosePermissions(requirements: readonly (readonly string[])[], preferred: readonly string[] = []): string[] {
  const sets = new Map<string, readonly string[]>();
  for (const anyOf of requirements) if (anyOf.length) sets.set(anyOf.join(), anyOf);
  // Smallest sets first: a single-choice requirement decides before flexible ones.
  const ordered = [...sets.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
  const chosen = new Set<string>();
  let covered = impliedClosure(chosen);
  const declared = new Set(preferred);
  for (const anyOf of ordered) {
    if (anyOf.some((p) => covered.has(p))) continue;
    const pick =
      anyOf.find((p) => accessOf(p) === 'read' && declared.has(p)) ??
      anyOf.find((p) => declared.has(p)) ??
      anyOf.find((p) => accessOf(p) === 'read') ??
      anyOf[0]!;
    chosen.add(pick);
    covered = impliedClosure(chosen);
  }
  // A chosen permission implied by another chosen one is redundant.
  for (const p of [...chosen]) {
    const others = [...chosen].filter((o) => o !== p);
    if (impliedClosure(others).has(p)) chosen.delete(p);
  }
  return [...chosen];
}
