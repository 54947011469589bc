// Event permissions: the table (one row per event-type prefix), implications, '*', unknown
// types and the type the table lists no permission for; then webhook endpoints'
// enabled_events through explain() and through the guard on a real stripe client.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { http, HttpResponse } from 'msw';
import { checkEvents, eventPermissions, listEventTypes, explain, check, guard, UnmappedRequestError, type GuardOptions } from '../src/index.js';
import routesJson from '../mappings/generated/routes.json' with { type: 'json' };
import { createStripeServer } from './helpers/stripe-msw.js';

// One event type per prefix of the table, its permissions written out from the table.
const ROWS: [string, string[]][] = [
  ['account.application.authorized', ['event_read']],
  ['application_fee.created', ['application_fee_read', 'balance_transaction_source_read']],
  ['balance.available', ['balance_read', 'balance_transaction_source_read']],
  ['billing_portal.configuration.created', ['checkout_session_read', 'customer_portal_read', 'payment_links_read']],
  ['cash_balance.funds_available', ['customer_read']],
  ['charge.captured', ['charge_read']],
  ['checkout.session.async_payment_failed', ['checkout_session_read']],
  ['coupon.created', ['coupon_read']],
  ['credit_note.created', ['credit_note_read', 'invoice_read', 'quote_read']],
  ['customer.created', ['customer_read']],
  ['customer_cash_balance_transaction.created', ['balance_transaction_source_read', 'customer_read']],
  ['entitlements.active_entitlement_summary.updated', ['entitlement_read']],
  ['file.created', ['file_read']],
  ['invoice.created', ['credit_note_read', 'invoice_read', 'quote_read']],
  ['invoiceitem.created', ['credit_note_read', 'invoice_read', 'quote_read']],
  ['issuing_personalization_design.activated', ['issuing_card_read', 'issuing_card_sensitive_read']],
  ['mandate.updated', ['checkout_session_read', 'mandate_read', 'payment_links_read', 'setup_intent_read']],
  ['payment_intent.amount_capturable_updated', ['checkout_session_read', 'payment_intent_read']],
  ['payment_link.created', ['payment_links_read']],
  ['payment_method.attached', ['payment_method_read']],
  ['payout.canceled', ['balance_transaction_source_read', 'payout_read', 'transfer_read']],
  ['person.created', ['connected_account_read']],
  ['plan.created', ['plan_read']],
  ['price.created', ['plan_read']],
  ['product.created', ['checkout_session_read', 'payment_intent_read', 'payment_links_read', 'product_read', 'quote_read']],
  ['promotion_code.created', ['credit_note_read', 'invoice_read', 'promotion_code_read', 'quote_read']],
  ['quote.accepted', ['quote_read']],
  ['radar.early_fraud_warning.created', ['charge_read']],
  ['refund.created', ['charge_read']],
  ['reporting.report_run.failed', ['report_runs_and_report_types_read']],
  ['review.closed', ['review_read']],
  ['setup_intent.canceled', ['checkout_session_read', 'setup_intent_read']],
  ['subscription_schedule.aborted', ['quote_read', 'subscription_read']],
  ['tax.settings.updated', ['tax_settings_read']],
  ['tax_rate.created', ['tax_rate_read']],
  ['terminal.reader.action_failed', ['terminal_reader_read']],
  ['test_helpers.test_clock.advancing', ['billing_clock_read', 'customer_read']],
  ['topup.canceled', ['funding_instruction_read', 'top_up_read']],
  ['transfer.created', ['balance_transaction_source_read', 'transfer_read']],
];
const NONE = 'sigma.scheduled_query_run.created';
const prefix = (type: string) => type.slice(0, type.indexOf('.'));

describe('the event table', () => {
  it('has a row above for every prefix of the table', () => {
    const tested = new Set([...ROWS.map(([t]) => prefix(t)), prefix(NONE)]);
    expect([...new Set(listEventTypes().map(prefix))].sort()).toEqual([...tested].sort());
    expect(listEventTypes()).toHaveLength(162);
  });

  it.each(ROWS)('%s needs one of %j', (type, anyOf) => {
    expect(eventPermissions(type)).toEqual(anyOf);
    // checkEvents() applies the guard's rule: the table's permissions (the event's own first), and their families' _write.
    const [missing] = checkEvents([type], []);
    expect(missing).toMatchObject({ type, status: 'missing' });
    expect(missing!.anyOf).toEqual(expect.arrayContaining([...anyOf]));
    expect(new Set(missing!.anyOf.filter((p) => p.endsWith('_read')))).toEqual(new Set(anyOf.filter((p) => p.endsWith('_read'))));
    // Any one of them covers it, the last as well as the first.
    for (const p of [anyOf[0]!, anyOf.at(-1)!]) {
      expect(checkEvents([type], ['webhook_write', p])).toEqual([{ type, status: 'covered', anyOf: missing!.anyOf, satisfiedBy: p }]);
    }
  });

  it(`${NONE}: the table lists no permission`, () => {
    expect(eventPermissions(NONE)).toEqual([]);
    expect(
      checkEvents(
        [NONE],
        listEventTypes().flatMap((t) => eventPermissions(t)!),
      ),
    ).toEqual([{ type: NONE, status: 'none', anyOf: [] }]);
  });

  it('unknown types are their own outcome', () => {
    expect(eventPermissions('charge.exploded')).toBeUndefined();
    expect(checkEvents(['charge.exploded', 'charge.succeeded'], ['charge_read'])).toEqual([
      { type: 'charge.exploded', status: 'unknown', anyOf: [] },
      { type: 'charge.succeeded', status: 'covered', anyOf: ['charge_read', 'charge_write'], satisfiedBy: 'charge_read' },
    ]);
  });
});

describe('implications count', () => {
  it.each<[string, string, string | undefined]>([
    ['invoice.paid', 'invoice_write', 'invoice_write'],
    ['payment_intent.succeeded', 'checkout_session_write', 'checkout_session_write'],
    ['test_helpers.test_clock.created', 'customer_write', 'customer_write'],
    // Write includes read, as for API reads: charge_write covers an event that lists charge_read…
    ['charge.succeeded', 'charge_write', 'charge_write'],
    // …and implications are not reversed: charge_read does not cover an event that lists customer_read.
    ['customer.created', 'charge_read', undefined],
  ])('%s with %s', (type, granted, satisfiedBy) => {
    const [result] = checkEvents([type], [granted]);
    expect(result!.status).toBe(satisfiedBy ? 'covered' : 'missing');
    expect(result!.satisfiedBy).toBe(satisfiedBy);
  });

  it('strictReads: only the listed (read) permissions cover an event', () => {
    expect(checkEvents(['charge.succeeded'], ['charge_write'], { strictReads: true })[0]!.status).toBe('missing');
  });
});

describe("'*'", () => {
  it('reports every type of the table, once, sorted', () => {
    const all = checkEvents(['*', 'charge.succeeded', 'charge.exploded'], ['charge_read']);
    expect(all).toHaveLength(163);
    expect(all.slice(0, 162).map((c) => c.type)).toEqual([...listEventTypes()].sort());
    expect(all.at(-1)).toEqual({ type: 'charge.exploded', status: 'unknown', anyOf: [] });
    const withStatus = (status: string) => all.filter((c) => c.status === status).map((c) => c.type);
    expect(withStatus('covered')).toEqual(listEventTypes().filter((t) => eventPermissions(t)!.includes('charge_read')));
    expect(withStatus('covered')).toContain('refund.created');
    expect(withStatus('none')).toEqual([NONE]);
  });
});

describe('webhook endpoints: explain()', () => {
  it('adds one requirement per event permission set, naming the events', () => {
    const e = explain('webhookEndpoints.create', { url: 'https://example.com/hook', enabled_events: ['charge.succeeded', 'charge.failed', 'invoice.paid'] });
    expect(e.requirements).toEqual([
      { anyOf: ['webhook_write'], because: 'webhookEndpoints.create' },
      { anyOf: ['charge_read', 'charge_write'], because: 'events charge.succeeded, charge.failed', events: ['charge.succeeded', 'charge.failed'] },
      // The event's own resource first: it is the permission a rejection suggests. The _write of each listed family covers it too.
      {
        anyOf: ['invoice_read', 'credit_note_read', 'quote_read', 'invoice_write', 'credit_note_write', 'quote_write'],
        because: 'event invoice.paid',
        events: ['invoice.paid'],
      },
    ]);
    expect(e.unknowns).toEqual([]);
  });

  it('reads enabled_events from a form body and a JSON body', () => {
    const form = explain({
      method: 'POST',
      path: '/v1/webhook_endpoints/we_1',
      body: 'url=x&enabled_events%5B0%5D=customer.created&enabled_events[1]=charge.succeeded',
    });
    const json = explain({ method: 'POST', path: '/v1/webhook_endpoints/we_1', body: { enabled_events: ['customer.created', 'charge.succeeded'] } });
    expect(form.requirements.map((r) => r.because)).toEqual(['webhookEndpoints.update', 'event customer.created', 'event charge.succeeded']);
    expect(json.requirements).toEqual(form.requirements);
    expect(explain({ method: 'POST', path: '/v1/webhook_endpoints', body: 'metadata[enabled_events]=charge.succeeded' }).requirements).toHaveLength(1);
  });

  it("'*' needs every permission set of the table, each once", () => {
    const e = explain('webhookEndpoints.update', { enabled_events: ['*'] }, { strictReads: true });
    const sets = e.requirements.slice(1).map((r) => [...r.anyOf].sort().join());
    expect(new Set(sets).size).toBe(sets.length);
    expect(new Set(sets)).toEqual(
      new Set(
        listEventTypes()
          .map((t) => eventPermissions(t)!.join())
          .filter(Boolean),
      ),
    );
    expect(e.requirements.find((r) => r.anyOf.includes('charge_read') && r.anyOf.length === 1)?.because).toBe(
      'event * (charge.captured, charge.expired and 11 more)',
    );
    // A type the table lists no permission for is an unknown under '*' too, as checkEvents() says.
    expect(e.unknowns).toEqual([{ kind: 'event', because: `event ${NONE}`, reason: 'the event permissions table lists no permission for it' }]);
    expect(checkEvents(['*'], []).find((c) => c.type === NONE)?.status).toBe('none');
  });

  it('unknown and permission-less types are unknowns, not guesses', () => {
    expect(explain('webhookEndpoints.create', { enabled_events: ['charge.exploded', NONE] }).unknowns).toEqual([
      { kind: 'event', because: 'event charge.exploded', reason: '"charge.exploded" is not in the event permissions table' },
      { kind: 'event', because: `event ${NONE}`, reason: 'the event permissions table lists no permission for it' },
    ]);
  });

  it('check() lists what is missing; other webhook and event destination routes need no event permissions', () => {
    const result = check('webhookEndpoints.create', { enabled_events: ['charge.succeeded', 'customer.created'] }, ['webhook_write', 'customer_read']);
    expect(result.missing.map((m) => m.permission)).toEqual(['charge_read']);
    expect(explain('webhookEndpoints.list', { enabled_events: ['charge.succeeded'] }).requirements).toHaveLength(1);
    const withEvents = (routesJson.routes as { verb: string; path: string; eventsParam?: string }[]).filter((r) => r.eventsParam);
    expect(withEvents.map((r) => `${r.verb} ${r.path} ${r.eventsParam}`)).toEqual([
      'POST /v1/webhook_endpoints enabled_events',
      'POST /v1/webhook_endpoints/{webhook_endpoint} enabled_events',
      'POST /v2/core/event_destinations enabled_events',
      'POST /v2/core/event_destinations/{event_destination} enabled_events',
    ]);
  });
});

describe('webhook endpoints: the guard', () => {
  const KEY = 'sk_test_events_suite_4242424242';
  const { server, seen } = createStripeServer();
  const bodies: string[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    seen.length = 0;
    bodies.length = 0;
    server.resetHandlers();
  });
  afterAll(() => server.close());
  const client = (options: Partial<GuardOptions>) => {
    server.use(
      http.post('https://api.stripe.com/v1/webhook_endpoints*', async ({ request }) => {
        bodies.push(await request.text());
        return HttpResponse.json({ id: 'we_1', object: 'webhook_endpoint' });
      }),
    );
    return guard(new Stripe(KEY, { telemetry: false }), { logger: { warn: vi.fn() }, ...options } as GuardOptions);
  };
  interface Rejection {
    message: string;
    missingPermissions: string[];
  }
  async function rejection(p: Promise<unknown>): Promise<Rejection> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!e) throw new Error('expected the call to be rejected');
    return e as Rejection;
  }
  const create = (s: Stripe, enabled_events: Stripe.WebhookEndpointCreateParams.EnabledEvent[]) =>
    s.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events });

  it('rejects enabled_events the permissions do not cover, sending nothing', async () => {
    const err = await rejection(create(client({ permissions: ['webhook_write'] }), ['charge.succeeded']));
    expect(err).toMatchObject({
      statusCode: 403,
      missingPermissions: ['charge_read'],
      requiredPermissions: [['webhook_write'], ['charge_read', 'charge_write']],
    });
    expect(err.message).toContain("Having the 'charge_read' permission would allow this request to continue.");
    expect(err.message).toContain('event charge.succeeded needs one of charge_read, charge_write');
    expect(bodies).toEqual([]);
  });

  it('allows them with both permissions, the body unchanged', async () => {
    await create(client({ permissions: ['webhook_write', 'charge_read'] }), ['charge.succeeded']);
    expect(bodies).toEqual(['url=https%3A%2F%2Fexample.com%2Fhook&enabled_events[0]=charge.succeeded']);
  });

  it('update, and the readable rejection of a wildcard', async () => {
    const stripe = client({ permissions: ['webhook_write', 'charge_read'] });
    await stripe.webhookEndpoints.update('we_1', { enabled_events: ['charge.refunded'] });
    const err = await rejection(stripe.webhookEndpoints.update('we_1', { enabled_events: ['*'] }));
    expect(err.missingPermissions).toContain('invoice_read');
    expect(err.missingPermissions).not.toContain('charge_read');
    expect(new Set(err.missingPermissions).size).toBe(err.missingPermissions.length);
    expect(err.message).toContain('event * (credit_note.created, credit_note.updated and 18 more) needs one of invoice_read, credit_note_read, quote_read');
    expect(bodies).toHaveLength(1);
  });

  it('unknown event types follow onUnmapped', async () => {
    const warn = vi.fn();
    await create(client({ permissions: ['webhook_write'], logger: { warn } }), [NONE as 'charge.succeeded']);
    expect(warn.mock.calls[0]![0]).toContain(`event ${NONE}: the event permissions table lists no permission for it`);
    const err = await rejection(create(client({ permissions: ['webhook_write'], onUnmapped: 'throw' }), ['charge.exploded' as 'charge.succeeded']));
    expect(err).toBeInstanceOf(UnmappedRequestError);
    expect(bodies).toHaveLength(1);
  });
});
