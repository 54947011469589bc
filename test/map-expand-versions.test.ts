// Expand paths are judged against the request's API version (issue 10, item 2): each SDK
// major's graph is recorded under the API version it pins; the runtime stores the newest
// graph plus deltas and picks the newest recorded version not after the request's.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getCatalog, type ExpandProp } from '../src/map/catalog.js';
import { walkExpand } from '../src/core/expand.js';
// @ts-expect-error -- a plain .mjs script without declarations
import { buildGraphs } from '../mappings/scripts/expand-graph.mjs';

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8')) as T;
const catalog = getCatalog();

describe('picking the graph for an API version', () => {
  it.each([
    [undefined, '2026-11-18.endive'],
    ['2026-11-18.endive', '2026-11-18.endive'],
    ['2026-10-28.endive', '2026-10-28.endive'],
    ['2099-01-01', '2026-11-18.endive'],
    ['2026-09-30.dahlia', '2026-08-26.dahlia'],
    ['2026-04-22.dahlia', '2026-04-22.dahlia'],
    ['2026-04-21.dahlia', '2026-03-25.dahlia'],
    ['2026-02-25.clover', '2026-02-25.clover'],
    ['2025-12-01.clover', '2025-10-29.clover'],
    ['2025-09-30.clover', '2025-08-27.basil'],
    ['2025-03-31.basil', '2025-03-31.basil'],
    ['2025-03-30', '2025-02-24.acacia'],
    ['2024-09-30.acacia', '2024-06-20'],
    ['2024-06-20', '2024-06-20'],
    ['2024-05-01', '2024-04-10'],
    ['2023-10-16', '2023-10-16'],
    ['2020-08-27', '2023-10-16'], // older than every recording: the oldest graph
    ['not-a-version', '2026-11-18.endive'],
  ])('%s → %s', (requested, judged) => {
    expect(catalog.expandGraph(requested).version.apiVersion).toBe(judged);
  });

  it('records one graph per recorded stripe release, keyed by the version it pins, and the hand-listed versions', () => {
    expect(catalog.apiVersions.map((v) => [v.apiVersion, v.stripeVersion ?? `= ${v.graph}`])).toEqual([
      ['2026-11-18.endive', '23.2.0'],
      ['2026-10-28.endive', '23.1.0'],
      ['2026-08-26.dahlia', '22.6.2'],
      ['2026-04-22.dahlia', '= 2026-08-26.dahlia'],
      ['2026-03-25.dahlia', '21.0.1'],
      ['2026-02-25.clover', '20.4.1'],
      ['2025-10-29.clover', '19.3.1'],
      ['2025-08-27.basil', '18.5.0'],
      ['2025-03-31.basil', '= 2025-08-27.basil'],
      ['2025-02-24.acacia', '17.7.0'],
      ['2024-06-20', '16.12.0'],
      ['2024-04-10', '15.12.0'],
      ['2023-10-16', '14.25.0'],
    ]);
  });
});

type Want = { needs: string } | { unknown: RegExp };
const ROWS: [method: string, path: string, apiVersion: string | undefined, want: Want][] = [
  ['subscriptions.retrieve', 'latest_invoice.payment_intent', '2023-10-16', { needs: 'payment_intent_read' }],
  ['subscriptions.retrieve', 'latest_invoice.payment_intent', '2024-06-20', { needs: 'payment_intent_read' }],
  ['subscriptions.retrieve', 'latest_invoice.payment_intent', '2025-02-24.acacia', { needs: 'payment_intent_read' }],
  [
    'subscriptions.retrieve',
    'latest_invoice.payment_intent',
    '2025-03-31.basil',
    {
      unknown:
        /^"payment_intent" is not an expandable property of Invoice in API version 2025-03-31\.basil; it was removed between 2025-02-24\.acacia and 2025-08-27\.basil \(the newest recorded version with it: 2025-02-24\.acacia \(stripe 17\.7\.0\); the oldest without it: 2025-08-27\.basil \(stripe 18\.5\.0\)\)/,
    },
  ],
  [
    'subscriptions.retrieve',
    'latest_invoice.payment_intent',
    undefined,
    {
      unknown:
        /in API version 2026-11-18\.endive \(the newest recorded; the request names none\); it was removed between 2025-02-24\.acacia and 2025-08-27\.basil/,
    },
  ],
  [
    'subscriptions.retrieve',
    'latest_invoice.payment_intent',
    '2025-12-01',
    {
      unknown:
        /in API version 2025-12-01 \(judged with the graph recorded for 2025-10-29\.clover\); it was removed between 2025-02-24\.acacia and 2025-08-27\.basil/,
    },
  ],
  // A version newer than every recorded one is named as such, whatever else the message says.
  [
    'subscriptions.retrieve',
    'latest_invoice.payment_intent',
    '2027-01-01.future',
    {
      unknown:
        /in API version 2027-01-01\.future, newer than the newest recorded version \(2026-11-18\.endive \(stripe 23\.2\.0\)\), judged with that version's graph; it was removed between/,
    },
  ],
  [
    'invoices.retrieve',
    'no_such_thing',
    '2027-01-01.future',
    { unknown: /^"no_such_thing" is not an expandable property of Invoice in API version 2027-01-01\.future, newer than the newest recorded version/ },
  ],
  ['invoices.retrieve', 'subscription', '2025-02-24.acacia', { needs: 'subscription_read' }],
  ['invoices.retrieve', 'charge', '2023-10-16', { needs: 'charge_read' }],
  ['charges.retrieve', 'invoice', '2023-10-16', { needs: 'invoice_read' }],
  ['paymentIntents.retrieve', 'invoice', '2025-02-24.acacia', { needs: 'invoice_read' }],
  ['invoices.retrieve', 'total_tax_amounts.tax_rate', '2025-02-24.acacia', { needs: 'tax_rate_read' }],
  ['creditNotes.retrieve', 'lines.data.tax_amounts.tax_rate', '2023-10-16', { needs: 'tax_rate_read' }],
  [
    'invoices.retrieve',
    'total_tax_amounts.tax_rate',
    '2026-10-28.endive',
    {
      unknown:
        /"total_tax_amounts" is not an expandable property of Invoice in API version 2026-10-28\.endive; it was removed between 2025-02-24\.acacia and 2025-08-27\.basil/,
    },
  ],
  // Added by basil: unknown to older versions, with when it appeared.
  ['invoices.retrieve', 'parent.subscription_details.subscription', undefined, { needs: 'subscription_read' }],
  [
    'invoices.retrieve',
    'parent.subscription_details.subscription',
    '2023-10-16',
    {
      unknown:
        /"parent" is not an expandable property of Invoice in API version 2023-10-16; it was added between 2025-02-24\.acacia and 2025-08-27\.basil \(the newest recorded version without it: 2025-02-24\.acacia \(stripe 17\.7\.0\); the oldest with it: 2025-08-27\.basil \(stripe 18\.5\.0\)\)/,
    },
  ],
  // A property no version has says nothing about versions.
  [
    'invoices.retrieve',
    'no_such_thing',
    '2023-10-16',
    { unknown: /^"no_such_thing" is not an expandable property of Invoice \(in expand path "no_such_thing"\)$/ },
  ],
  // Added as a recorded range, not at the first recording that shows it (Refund.customer: 2026-07-29.dahlia).
  [
    'refunds.retrieve',
    'customer',
    '2026-02-25.clover',
    {
      unknown:
        /it was added between 2026-03-25\.dahlia and 2026-08-26\.dahlia \(the newest recorded version without it: 2026-03-25\.dahlia \(stripe 21\.0\.1\); the oldest with it: 2026-08-26\.dahlia \(stripe 22\.6\.2\)\)/,
    },
  ],
  ['refunds.retrieve', 'customer', '2026-08-26.dahlia', { needs: 'customer_read' }],
  // Gaps of the SDK declarations, filled from Stripe's changelog (overrides.graphAdditions).
  ['charges.retrieve', 'refunds', '2023-10-16', { needs: 'charge_read' }],
  ['charges.retrieve', 'refunds.data.balance_transaction', '2020-08-27', { needs: 'balance_read' }],
  ['treasury.transactions.retrieve', 'entries', '2023-10-16', { needs: 'treasury_transaction_read' }],
  ['paymentMethods.retrieve', 'card.generated_from.setup_attempt', '2023-10-16', { needs: 'setup_intent_read' }],
  ['invoices.retrieve', 'total_taxes.tax_rate_details.tax_rate', '2026-04-22.dahlia', { needs: 'tax_rate_read' }],
  ['invoices.retrieve', 'total_taxes.tax_rate_details.tax_rate', undefined, { needs: 'tax_rate_read' }],
  ['creditNotes.retrieve', 'total_taxes.tax_rate_details.tax_rate', '2026-11-18.endive', { needs: 'tax_rate_read' }],
  ['invoices.updateLineItem', 'taxes.tax_rate_details.tax_rate', '2026-08-26.dahlia', { needs: 'tax_rate_read' }],
  ['creditNotes.listLineItems', 'data.taxes.tax_rate_details.tax_rate', '2026-10-28.endive', { needs: 'tax_rate_read' }],
  [
    'invoices.retrieve',
    'total_taxes.tax_rate_details.tax_rate',
    '2026-03-25.dahlia',
    {
      unknown:
        /"total_taxes" is not an expandable property of Invoice in API version 2026-03-25\.dahlia; it was added between 2026-03-25\.dahlia and 2026-08-26\.dahlia/,
    },
  ],
  // stripe 14's upcoming invoice: a type only older versions know is read from them whatever the version.
  ['invoices.retrieveUpcoming', 'customer', undefined, { needs: 'customer_read' }],
  ['invoices.retrieveUpcoming', 'subscription', '2023-10-16', { needs: 'subscription_read' }],
];

describe.each(ROWS)('%s expand %s at %s', (method, path, apiVersion, want) => {
  it('needs the right permission, or says why not', () => {
    const result = walkExpand(catalog.shapes.get(method), method, path, { strict: false, ...(apiVersion ? { apiVersion } : {}) }, catalog);
    if ('needs' in want) {
      expect(result.unknowns).toEqual([]);
      expect(result.requirements.at(-1)?.anyOf).toContain(want.needs);
    } else {
      expect(result.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(want.unknown)]);
    }
  });
});

describe('the stored form: one base graph plus per-version deltas', () => {
  const expand = readJson<{ types: Record<string, unknown>; deltas: Record<string, Record<string, unknown>>; versions: { apiVersion: string }[] }>(
    'mappings/generated/expand.json',
  );
  const objectFiles = readdirSync(new URL('../mappings/generated/', import.meta.url)).filter((f) => /^objects(-stripe\d+)?\.json$/.test(f));
  const overrides = readJson<object>('mappings/overrides.json');
  const built = buildGraphs(
    objectFiles.map((f) => readJson(`mappings/generated/${f}`)),
    overrides,
    [],
  ) as { graphs: Record<string, Record<string, Record<string, ExpandProp>>> };

  it('stores deltas far smaller than the base graph', () => {
    const base = Object.keys(expand.types).length;
    expect(Object.keys(expand.deltas).sort()).toEqual(
      expand.versions
        .filter((v) => !('graph' in v))
        .map((v) => v.apiVersion)
        .slice(1)
        .sort(),
    );
    for (const d of Object.values(expand.deltas)) expect(Object.keys(d).length).toBeLessThan(base / 2);
  });

  it.each(Object.keys(built.graphs))('decodes %s to exactly the graph of its SDK type declarations', (apiVersion) => {
    const decoded = catalog.expandGraph(apiVersion).types;
    const want = built.graphs[apiVersion]!;
    const strip = (p: ExpandProp) => JSON.stringify([p.expand, !!p.array, !!p.list, !!p.map, !!p.scalar, p.to]);
    const diffs: string[] = [];
    for (const [type, props] of Object.entries(want)) {
      if (!decoded.has(type)) diffs.push(`${type}: missing`);
      else
        for (const [name, p] of Object.entries(props)) {
          if (strip(decoded.get(type)!.get(name) ?? { to: ['<missing>'] }) !== strip(p)) diffs.push(`${type}.${name}`);
        }
      if (decoded.has(type) && decoded.get(type)!.size !== Object.keys(props).length)
        diffs.push(`${type}: ${decoded.get(type)!.size} props, want ${Object.keys(props).length}`);
    }
    expect(diffs).toEqual([]);
  });

  it('removes exactly the 16 properties of the basil change between acacia and basil', () => {
    const ids = (v: string) =>
      new Set(
        Object.entries(built.graphs[v]!).flatMap(([t, props]) =>
          Object.entries(props)
            .filter(([, p]) => p.expand === 'id')
            .map(([n]) => `${t}.${n}`),
        ),
      );
    const acacia = ids('2025-02-24.acacia');
    const basil = ids('2025-08-27.basil');
    const removed = [...acacia].filter((k) => !basil.has(k) && !k.startsWith('UpcomingInvoice.'));
    expect(removed).toHaveLength(16);
    expect(removed).toEqual(
      expect.arrayContaining([
        'Invoice.subscription',
        'Invoice.payment_intent',
        'Invoice.charge',
        'Charge.invoice',
        'PaymentIntent.invoice',
        'Invoice.TotalTaxAmount.tax_rate',
      ]),
    );
  });
});

// The expand rule holds in every recorded (and hand-listed) version: the objects a field holds decide.
describe.each(catalog.apiVersions.map((v) => [v.apiVersion]))('in %s', (apiVersion) => {
  it.each([
    ['customers.retrieve', 'subscriptions', ['subscription_read', 'subscription_write']],
    ['customers.retrieve', 'tax_ids', ['customer_read', 'customer_write']],
    ['charges.retrieve', 'refunds', ['charge_read', 'charge_write']],
    ['files.retrieve', 'links', ['file_read', 'file_write']],
    ['invoices.retrieve', 'customer', ['customer_read', 'customer_write']],
  ])('%s expand %s needs %j', (method, path, anyOf) => {
    const result = walkExpand(catalog.shapes.get(method), method, path, { strict: false, apiVersion }, catalog);
    expect(result.unknowns).toEqual([]);
    expect(result.requirements.at(-1)?.anyOf).toEqual(anyOf);
  });

  it('a field holding LineItem objects (no family of their own) is unknown, never the holder’s permission', () => {
    const result = walkExpand(
      catalog.shapes.get('checkout.sessions.retrieve'),
      'checkout.sessions.retrieve',
      'line_items',
      { strict: false, apiVersion },
      catalog,
    );
    expect(result.requirements).toEqual([]);
    expect(result.unknowns).toEqual([expect.objectContaining({ kind: 'expand', reason: expect.stringContaining('Checkout.Session.line_items') })]);
  });
});
