// Stripe's refusals (mappings/sources/refusals.json): each with its source and confidence, refused
// through check() whatever the permissions, and only the routes the evidence names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../src/explain.js';
import { getCatalog } from '../src/map/catalog.js';

interface Refusal {
  route: string;
  when: string;
  reason: string;
  instead: string;
  source: string;
  confidence: string;
  note: string;
}
const data = JSON.parse(readFileSync(new URL('../mappings/sources/refusals.json', import.meta.url), 'utf8')) as { refusals: Refusal[] };
const routes = JSON.parse(readFileSync(new URL('../mappings/generated/routes.json', import.meta.url), 'utf8')) as {
  routes: { verb: string; path: string }[];
};
// Every permission there is: a refusal holds whatever the app declares.
const everything = [...getCatalog().permissions.keys()];

describe('the data', () => {
  it.each(data.refusals.map((r) => [r.route, r] as const))('%s names a recorded route, its source and a confidence with why', (route, r) => {
    expect(routes.routes.some((x) => `${x.verb} ${x.path}` === route)).toBe(true);
    expect(['always', 'own-account']).toContain(r.when);
    expect(['high', 'medium']).toContain(r.confidence);
    expect(r.source).toMatch(/github\.com\/stripe\/stripe-apps|docs\.stripe\.com/);
    for (const text of [r.reason, r.instead, r.note]) expect(text.trim().length).toBeGreaterThan(20);
  });
});

// [method id, expected verdict with every permission, source part, confidence stated in the source]
const rows: [string, string, RegExp, boolean][] = [
  ['billing.creditGrants.list', 'refused', /stripe-apps issue #1031/, false],
  ['billing.creditGrants.retrieve', 'refused', /#1031/, false],
  ['billing.creditGrants.create', 'refused', /#1031/, true],
  ['billing.creditGrants.update', 'refused', /#1031/, true],
  ['billing.creditGrants.expire', 'refused', /#1031/, true],
  ['billing.creditGrants.voidGrant', 'refused', /#1031/, true],
  ['billing.creditBalanceTransactions.list', 'refused', /#1031/, false],
  ['billing.creditBalanceTransactions.retrieve', 'refused', /#1031/, false],
  ['accountSessions.create', 'refused', /docs\.stripe\.com\/keys\/permissions-reference/, true],
  ['accounts.updateCapability', 'refused', /\(Direct\)/, true],
  ['accounts.updateExternalAccount', 'refused', /\(Direct\)/, true],
  ['accounts.deleteExternalAccount', 'refused', /\(Direct\)/, true],
  ['accounts.retrieveCurrent', 'refused', /#458/, false],
];

describe.each(rows)('%s', (methodId, verdict, source, stated) => {
  it(`is ${verdict} with every permission, citing its source${stated ? ' and its confidence' : ''}`, () => {
    const result = check(methodId, {}, everything);
    expect(result.verdict).toBe(verdict);
    expect(result.allowed).toBe(false);
    expect(result.missing).toEqual([]);
    expect(result.explanation.refused?.source).toMatch(source);
    expect(/confidence medium: /.test(result.explanation.refused?.source ?? '')).toBe(stated);
  });
});

// Thin evidence stays unknown: the (Direct) excerpt does not show these, and reads under (Direct) work for apps.
describe.each([
  ['billing.creditBalanceSummary.retrieve', 'unknown'],
  ['accounts.createExternalAccount', 'unknown'],
  ['accounts.createPerson', 'unknown'],
  ['accounts.listCapabilities', 'allowed'],
  ['accounts.retrieveExternalAccount', 'allowed'],
  ['accounts.list', 'allowed'],
])('%s', (methodId, verdict) => {
  it(`is ${verdict}, not refused`, () => {
    const result = check(methodId, {}, everything);
    expect(result.verdict).toBe(verdict);
    expect(result.explanation.refused).toBeUndefined();
  });
});
