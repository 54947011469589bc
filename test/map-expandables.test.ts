// The graph reaches every expandable the SDK's own types declare (issue 10, item 3), checked
// against an independent syntactic scan of the .d.ts text (mappings/scripts/scan-expandables.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getCatalog } from '../src/map/catalog.js';
import { walkExpand } from '../src/core/expand.js';
// @ts-expect-error -- a plain .mjs script without declarations
import { scanExpandables } from '../mappings/scripts/scan-expandables.mjs';
// @ts-expect-error -- a plain .mjs script without declarations
import { recordedSdks } from '../mappings/scripts/sdks.mjs';

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8')) as T;
const catalog = getCatalog();

interface ObjectsDoc {
  apiVersion: string;
  stripeVersion: string;
  scan: { expandableIds: number; graphExpandableIds: number };
}
interface Recorded {
  methods: Record<string, unknown>;
}

// Reserve holds and releases are API objects that no method returns and no property references.
const RESERVE = ['Reserve.Hold', 'Reserve.Release'];
// retrieveUpcoming was removed (stripe 18), its `type UpcomingInvoice = Omit<Invoice, 'id'>` stayed until 22.
const UPCOMING = ['UpcomingInvoice'];
interface Major {
  /** Declared types outside the type checker's graph. */
  notInGraph?: readonly string[];
  /** Declared types no path reaches. */
  unreachable?: readonly string[];
  /** Expandable IDs the type checker finds and the syntactic scan does not (its layout of the .d.ts). */
  scanMisses?: readonly string[];
  /** Declared expandable IDs the extractor misses; each is added by overrides.graphAdditions. */
  added?: readonly string[];
}
const EXCEPTIONS: Record<string, Major> = {
  stripe: { unreachable: RESERVE },
  'stripe-18': { notInGraph: UPCOMING, unreachable: UPCOMING },
  'stripe-19': { notInGraph: UPCOMING, unreachable: UPCOMING },
  'stripe-20': { notInGraph: UPCOMING, unreachable: [...RESERVE, ...UPCOMING] },
  'stripe-21': { notInGraph: UPCOMING, unreachable: [...RESERVE, ...UPCOMING] },
  'stripe-22': {
    unreachable: RESERVE,
    scanMisses: [
      'Charge.PaymentMethodDetails.Card.mandate',
      'PaymentIntent.payment_record',
      'PaymentLink.SubscriptionData.InvoiceSettings.account_tax_ids',
      'ProductCatalog.TrialOffer.EndBehavior.Transition.price',
      'ProductCatalog.TrialOffer.price',
      'Terminal.Configuration.StripeT600.splashscreen',
      'ThreeDSecure.Authentication.payment_method',
    ],
  },
  'stripe-23': { unreachable: RESERVE, added: ['Refund.application'] },
};
const handAdded = new Set(
  readJson<{ graphAdditions: { entries: { props: Record<string, unknown> }[] } }>('mappings/overrides.json').graphAdditions.entries.flatMap((e) =>
    Object.keys(e.props),
  ),
);
// Every recorded stripe: the dev dependency and each stripe-NN alias (mappings/scripts/sdks.mjs).
const MAJORS = (recordedSdks() as { module: string; suffix: string }[]).map(
  ({ module, suffix }) => [module, `objects${suffix}.json`, `endpoints${suffix}.json`, EXCEPTIONS[module] ?? {}] as const,
);

/** Expandable IDs reachable from the major's methods through its version's runtime graph. */
function reachable(apiVersion: string, methods: string[]): Set<string> {
  const types = catalog.expandGraph(apiVersion).types;
  const out = new Set<string>();
  const seen = new Set<string>();
  const todo = methods.flatMap((m) => catalog.shapes.get(m)?.returns ?? []);
  while (todo.length) {
    const t = todo.pop()!;
    if (seen.has(t) || !types.has(t)) continue;
    seen.add(t);
    for (const [name, p] of types.get(t)!) {
      if (p.expand === 'id') out.add(`${t}.${name}`);
      todo.push(...p.to);
    }
  }
  return out;
}

describe.each(MAJORS)('%s', (module, objectsFile, endpointsFile, { notInGraph = [], unreachable = [], scanMisses = [], added = [] }) => {
  const objects = readJson<ObjectsDoc>(`mappings/generated/${objectsFile}`);
  const scanned = scanExpandables(module) as string[];
  const owned = (types: readonly string[]) => (k: string) => types.some((t) => k.startsWith(`${t}.`));
  const inGraph = scanned.filter((k) => !owned(notInGraph)(k));
  const declared = scanned.filter((k) => !owned(unreachable)(k));

  it("the committed count of the syntactic scan is current, and equals the type checker's count", () => {
    expect(objects.scan.expandableIds).toBe(scanned.length);
    expect(objects.scan.graphExpandableIds).toBe(inGraph.length + scanMisses.length - added.length);
    expect(declared.length).toBeGreaterThan(250);
  });

  it('reaches every declared expandable ID from the methods, and no other', () => {
    const got = reachable(objects.apiVersion, Object.keys(readJson<Recorded>(`mappings/generated/${endpointsFile}`).methods));
    expect([...declared].filter((k) => !got.has(k))).toEqual([]);
    // Hand-added properties (overrides.graphAdditions, each with its source) are the other way in.
    expect([...got].filter((k) => !scanned.includes(k) && !scanMisses.includes(k) && !handAdded.has(k))).toEqual([]);
    // The exceptions above are real: each names declared expandables that no path reaches.
    for (const t of unreachable) expect(scanned.some(owned([t])), t).toBe(true);
    for (const k of scanMisses) expect(scanned.includes(k), k).toBe(false);
    for (const k of added) expect(got.has(k) && scanned.includes(k), k).toBe(true);
  });
});

// Paths through optional embedded sub-objects, which the declarations mark optional or nullable.
describe.each([
  ['accounts.retrieve', 'company.verification.document.front', 'file_read'],
  ['accounts.retrieve', 'individual.verification.document.back', 'file_read'],
  ['accounts.retrieve', 'individual.verification.additional_document.front', 'file_read'],
  ['accounts.retrieve', 'settings.branding.icon', 'file_read'],
  ['accounts.retrieve', 'settings.branding.logo', 'file_read'],
  ['accounts.retrievePerson', 'verification.document.front', 'file_read'],
  ['paymentIntents.retrieve', 'transfer_data.destination', 'connected_account_read'],
  ['terminal.configurations.retrieve', 'verifone_p400.splashscreen', 'file_read'],
  ['terminal.configurations.retrieve', 'bbpos_wisepos_e.splashscreen', 'file_read'],
  // Walked; but the reference names no permission for Discount objects, which is its own unknown.
  ['invoiceItems.retrieve', 'proration_details.discount_amounts.discount', null],
])('%s expand %s', (method, path, permission) => {
  it(`needs ${permission ?? 'a permission no edition names'}`, () => {
    const r = walkExpand(catalog.shapes.get(method), method, path, { strict: true }, catalog);
    if (permission) {
      expect(r.unknowns).toEqual([]);
      expect(r.requirements.at(-1)?.anyOf).toEqual([permission]);
    } else {
      expect(r.unknowns).toEqual([expect.objectContaining({ kind: 'object', reason: 'no permission family is known for Discount' })]);
    }
  });
});

describe('plain optional fields stay unexpandable', () => {
  it.each([
    ['accounts.retrieve', 'company'],
    ['accounts.retrieve', 'company.verification'],
    ['paymentIntents.retrieve', 'transfer_data'],
  ])('%s expand %s is unknown', (method, path) => {
    const r = walkExpand(catalog.shapes.get(method), method, path, { strict: false }, catalog);
    expect(r.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/cannot be expanded: it is a plain sub-object/)]);
  });
});
