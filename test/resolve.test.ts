// Table-driven resolver tests. Expectations are written out literally (from the reference
// table and routes.json as reviewed), never computed from mappings/ at test time.
import { describe, it, expect } from 'vitest';
import { explain, check } from '../src/explain.js';
import { resolveCanonical, resolveRequest } from '../src/core/resolve.js';
import { canonicalRequest } from '../src/core/request.js';

const anyOf = (id: string, expand: string[] = [], strictReads = false) => explain(id, { expand }, { strictReads }).requirements.map((r) => r.anyOf);

// One read and one write call per family row of the current reference table that has routes.
const FAMILY_CALLS: [string, string[]][] = [
  ['accounts.retrieve', ['connected_account_read']],
  ['accounts.list', ['connected_account_read']],
  ['accounts.retrieveCurrent', ['connected_account_read']],
  ['accountLinks.create', ['account_link_write']],
  ['accounts.createLoginLink', ['edit_link_write']],
  ['applePayDomains.retrieve', ['apple_pay_domain_read', 'apple_pay_domain_write']],
  ['applePayDomains.create', ['apple_pay_domain_write']],
  ['applicationFees.retrieve', ['application_fee_read', 'application_fee_write']],
  ['applicationFees.createRefund', ['application_fee_write']],
  ['apps.secrets.find', ['secret_read', 'secret_write']],
  ['apps.secrets.list', ['secret_read', 'secret_write']],
  ['apps.secrets.create', ['secret_write']],
  ['apps.secrets.deleteWhere', ['secret_write']],
  ['balance.retrieve', ['balance_read']],
  ['balanceTransactions.retrieve', ['balance_read']],
  ['billingPortal.configurations.retrieve', ['customer_portal_read', 'customer_portal_write']],
  ['billingPortal.configurations.create', ['customer_portal_write']],
  ['billing.meterEvents.create', ['billing_meter_event_write']],
  ['billing.meterEventAdjustments.create', ['billing_meter_event_write']],
  ['v2.billing.meterEventStream.create', ['billing_meter_event_write']],
  ['billing.meters.retrieve', ['billing_meter_read', 'billing_meter_write']],
  ['billing.meters.create', ['billing_meter_write']],
  ['charges.retrieve', ['charge_read', 'charge_write']],
  ['charges.create', ['charge_write']],
  ['refunds.retrieve', ['charge_read', 'charge_write']],
  ['refunds.create', ['charge_write']],
  ['checkout.sessions.retrieve', ['checkout_session_read', 'checkout_session_write']],
  ['checkout.sessions.create', ['checkout_session_write']],
  ['checkout.sessions.listLineItems', ['checkout_session_read', 'checkout_session_write']],
  ['confirmationTokens.retrieve', ['confirmation_token_read']],
  ['testHelpers.confirmationTokens.create', ['confirmation_token_client_write']],
  ['coupons.retrieve', ['coupon_read', 'coupon_write']],
  ['coupons.create', ['coupon_write']],
  ['creditNotes.retrieve', ['credit_note_read', 'credit_note_write']],
  ['creditNotes.create', ['credit_note_write']],
  ['customerSessions.create', ['customer_session_write']],
  ['customers.retrieve', ['customer_read', 'customer_write']],
  ['customers.search', ['customer_read', 'customer_write']],
  ['customers.create', ['customer_write']],
  ['customers.del', ['customer_write']],
  ['disputes.retrieve', ['dispute_read', 'dispute_write']],
  ['disputes.update', ['dispute_write']],
  ['entitlements.activeEntitlements.retrieve', ['entitlement_read']],
  ['events.retrieve', ['event_read']],
  ['files.retrieve', ['file_read', 'file_write']],
  ['files.create', ['file_write']],
  ['fileLinks.create', ['file_write']],
  ['invoices.retrieve', ['invoice_read', 'invoice_write']],
  ['invoices.create', ['invoice_write']],
  ['issuing.authorizations.retrieve', ['issuing_authorization_read', 'issuing_authorization_write']],
  ['issuing.authorizations.update', ['issuing_authorization_write']],
  ['issuing.cardholders.retrieve', ['issuing_cardholder_read', 'issuing_cardholder_write']],
  ['issuing.cardholders.create', ['issuing_cardholder_write']],
  ['issuing.cards.retrieve', ['issuing_card_read', 'issuing_card_write']],
  ['issuing.cards.create', ['issuing_card_write']],
  ['issuing.disputes.retrieve', ['issuing_dispute_read', 'issuing_dispute_write']],
  ['issuing.disputes.create', ['issuing_dispute_write']],
  ['issuing.tokens.retrieve', ['issuing_token_read', 'issuing_token_write']],
  ['issuing.tokens.update', ['issuing_token_write']],
  ['issuing.transactions.retrieve', ['issuing_transaction_read', 'issuing_transaction_write']],
  ['issuing.transactions.update', ['issuing_transaction_write']],
  ['mandates.retrieve', ['mandate_read', 'mandate_write']],
  ['paymentAttemptRecords.retrieve', ['payment_records_read', 'payment_records_write']],
  ['paymentRecords.reportPaymentAttempt', ['payment_records_write']],
  ['paymentIntents.retrieve', ['payment_intent_read', 'payment_intent_write']],
  ['paymentIntents.create', ['payment_intent_write']],
  ['paymentLinks.retrieve', ['payment_links_read', 'payment_links_write']],
  ['paymentLinks.create', ['payment_links_write']],
  ['paymentMethodConfigurations.retrieve', ['payment_method_configurations_read', 'payment_method_configurations_write']],
  ['paymentMethodConfigurations.create', ['payment_method_configurations_write']],
  ['paymentMethodDomains.retrieve', ['payment_method_domain_read', 'payment_method_domain_write']],
  ['paymentMethodDomains.create', ['payment_method_domain_write']],
  ['paymentMethods.retrieve', ['payment_method_read', 'payment_method_write']],
  ['paymentMethods.create', ['payment_method_write']],
  ['payouts.retrieve', ['payout_read', 'payout_write']],
  ['payouts.create', ['payout_write']],
  ['plans.retrieve', ['plan_read', 'plan_write']],
  ['plans.create', ['plan_write']],
  ['prices.retrieve', ['plan_read', 'plan_write']],
  ['prices.create', ['plan_write']],
  ['products.retrieve', ['product_read', 'product_write']],
  ['products.create', ['product_write']],
  ['promotionCodes.retrieve', ['promotion_code_read', 'promotion_code_write']],
  ['promotionCodes.create', ['promotion_code_write']],
  ['quotes.retrieve', ['quote_read', 'quote_write']],
  ['quotes.create', ['quote_write']],
  ['reporting.reportRuns.retrieve', ['report_runs_and_report_types_read']],
  ['reporting.reportRuns.create', ['report_runs_and_report_types_read']],
  ['reporting.reportTypes.list', ['report_runs_and_report_types_read']],
  ['reviews.retrieve', ['review_read', 'review_write']],
  ['reviews.approve', ['review_write']],
  ['setupIntents.retrieve', ['setup_intent_read', 'setup_intent_write']],
  ['setupIntents.create', ['setup_intent_write']],
  ['setupAttempts.list', ['setup_intent_read', 'setup_intent_write']],
  ['shippingRates.retrieve', ['shipping_rate_read', 'shipping_rate_write']],
  ['shippingRates.create', ['shipping_rate_write']],
  ['sources.retrieve', ['source_read', 'source_write']],
  ['sources.create', ['source_write']],
  ['subscriptions.retrieve', ['subscription_read', 'subscription_write']],
  ['subscriptions.create', ['subscription_write']],
  ['taxRates.retrieve', ['tax_rate_read', 'tax_rate_write']],
  ['taxRates.create', ['tax_rate_write']],
  ['tax.calculations.retrieve', ['tax_calculations_and_transactions_read', 'tax_calculations_and_transactions_write']],
  ['tax.calculations.create', ['tax_calculations_and_transactions_write']],
  ['tax.transactions.retrieve', ['tax_calculations_and_transactions_read', 'tax_calculations_and_transactions_write']],
  ['tax.transactions.createFromCalculation', ['tax_calculations_and_transactions_write']],
  ['tax.registrations.retrieve', ['tax_settings_read', 'tax_settings_write']],
  ['tax.registrations.create', ['tax_settings_write']],
  ['terminal.configurations.retrieve', ['terminal_configuration_read', 'terminal_configuration_write']],
  ['terminal.configurations.create', ['terminal_configuration_write']],
  ['terminal.connectionTokens.create', ['terminal_connection_token_write']],
  ['terminal.locations.retrieve', ['terminal_location_read', 'terminal_location_write']],
  ['terminal.locations.create', ['terminal_location_write']],
  ['terminal.readers.retrieve', ['terminal_reader_read', 'terminal_reader_write']],
  ['terminal.readers.create', ['terminal_reader_write']],
  ['testHelpers.testClocks.retrieve', ['billing_clock_read', 'billing_clock_write']],
  ['testHelpers.testClocks.create', ['billing_clock_write']],
  ['tokens.retrieve', ['token_read', 'token_write']],
  ['tokens.create', ['token_write']],
  ['topups.retrieve', ['top_up_read', 'top_up_write']],
  ['topups.create', ['top_up_write']],
  ['transfers.retrieve', ['transfer_read', 'transfer_write']],
  ['transfers.create', ['transfer_write']],
  ['treasury.transactionEntries.retrieve', ['treasury_transaction_read']],
  ['webhookEndpoints.retrieve', ['webhook_read', 'webhook_write']],
  ['webhookEndpoints.create', ['webhook_write']],
  ['v2.commerce.productCatalog.imports.retrieve', ['product_catalog_import_read', 'product_catalog_import_write']],
  ['v2.commerce.productCatalog.imports.create', ['product_catalog_import_write']],
  ['v2.moneyManagement.recipientVerifications.retrieve', ['recipient_verification_read']],
];

describe('each family: one read and one write call', () => {
  it.each(FAMILY_CALLS)('%s needs any of %j', (id, expected) => {
    const e = explain(id);
    expect(e.status).toBe('mapped');
    expect(e.unknowns).toEqual([]);
    expect(e.requirements).toEqual([{ anyOf: expected, because: id }]);
  });

  it.each([
    ['files.create', 'POST', '/v1/files', 'files.stripe.com'],
    ['quotes.pdf', 'GET', '/v1/quotes/{quote}/pdf', 'files.stripe.com'],
    ['v2.billing.meterEventStream.create', 'POST', '/v2/billing/meter_event_stream', 'meter-events.stripe.com'],
    ['customers.retrieve', 'GET', '/v1/customers/{customer}', undefined],
  ])('%s is sent as %s %s on host %s', (id, method, path, host) => {
    expect(explain(id).route).toEqual({ method, path, ...(host ? { host } : {}) });
  });
});

// [declared (both names of the row), call that needs only the implied permission, implied]
const IMPLICATIONS: [string[], string, string][] = [
  [['customer_read', 'customer_write'], 'testHelpers.testClocks.retrieve', 'billing_clock_read'],
  [['checkout_session_read', 'checkout_session_write'], 'mandates.retrieve', 'mandate_read'],
  [['checkout_session_read', 'checkout_session_write'], 'paymentIntents.retrieve', 'payment_intent_read'],
  [['checkout_session_read', 'checkout_session_write'], 'paymentLinks.retrieve', 'payment_links_read'],
  [['checkout_session_read', 'checkout_session_write'], 'products.retrieve', 'product_read'],
  [['checkout_session_read', 'checkout_session_write'], 'setupIntents.retrieve', 'setup_intent_read'],
  [['credit_note_read', 'credit_note_write'], 'invoices.retrieve', 'invoice_read'],
  [['invoice_read', 'invoice_write'], 'creditNotes.retrieve', 'credit_note_read'],
  [['payment_intent_read', 'payment_intent_write'], 'products.retrieve', 'product_read'],
  [['payment_links_read', 'payment_links_write'], 'mandates.retrieve', 'mandate_read'],
  [['payment_links_read', 'payment_links_write'], 'products.retrieve', 'product_read'],
  [['payment_method_read', 'payment_method_write'], 'sources.retrieve', 'source_read'],
  [['quote_read', 'quote_write'], 'products.retrieve', 'product_read'],
  [['setup_intent_read', 'setup_intent_write'], 'mandates.retrieve', 'mandate_read'],
  [['transfer_read', 'transfer_write'], 'payouts.retrieve', 'payout_read'],
  // mappings/sources/README decision 3: the reference says transfers imply payout_write too.
  [['transfer_read', 'transfer_write'], 'payouts.create', 'payout_write'],
  [['balance_transaction_source_read'], 'applicationFees.retrieve', 'application_fee_read'],
  [['balance_transaction_source_read'], 'balance.retrieve', 'balance_read'],
  [['balance_transaction_source_read'], 'transfers.retrieve', 'transfer_read'],
  [['balance_transaction_source_read'], 'payouts.retrieve', 'payout_read'],
];

describe('implications: declaring the implying permission allows a call needing only the implied one', () => {
  const rows = IMPLICATIONS.flatMap(([names, id, implied]) => names.map((n) => [n, id, implied] as const));
  it.each(rows)('%s allows %s (via %s)', (declared, id, implied) => {
    const result = check(id, {}, [declared]);
    expect(result.allowed).toBe(true);
    expect(result.satisfied[0]).toMatchObject({ satisfiedBy: declared, via: implied });
  });

  it.each([
    ['billing_clock_read', 'customers.retrieve', 'customer_read'],
    ['product_read', 'checkout.sessions.retrieve', 'checkout_session_read'],
    ['payout_read', 'transfers.retrieve', 'transfer_read'],
  ])('the implied %s does not allow %s', (declared, id, missing) => {
    const result = check(id, {}, [declared]);
    expect(result.allowed).toBe(false);
    expect(result.missing.map((m) => m.permission)).toEqual([missing]);
  });
});

describe('expand paths', () => {
  it.each<[string, string, string[][]]>([
    [
      'customers.retrieve',
      'invoice_settings.default_payment_method',
      [
        ['customer_read', 'customer_write'],
        ['payment_method_read', 'payment_method_write'],
      ],
    ],
    [
      'customers.list',
      'data.default_source',
      [
        ['customer_read', 'customer_write'],
        ['customer_read', 'customer_write'],
      ],
    ],
    [
      'customers.retrieve',
      'tax_ids',
      [
        ['customer_read', 'customer_write'],
        ['customer_read', 'customer_write'],
      ],
    ],
    [
      'customers.retrieve',
      'subscriptions',
      [
        ['customer_read', 'customer_write'],
        ['subscription_read', 'subscription_write'],
      ],
    ],
    [
      'customers.retrieve',
      'subscriptions.data.default_payment_method',
      [
        ['customer_read', 'customer_write'],
        ['subscription_read', 'subscription_write'],
        ['payment_method_read', 'payment_method_write'],
      ],
    ],
    [
      'charges.retrieve',
      'refunds',
      [
        ['charge_read', 'charge_write'],
        ['charge_read', 'charge_write'],
      ],
    ],
    [
      'files.retrieve',
      'links',
      [
        ['file_read', 'file_write'],
        ['file_read', 'file_write'],
      ],
    ],
    [
      'apps.secrets.find',
      'payload',
      [
        ['secret_read', 'secret_write'],
        ['secret_read', 'secret_write'],
      ],
    ],
    [
      'subscriptions.retrieve',
      'items.data.price.product',
      [
        ['subscription_read', 'subscription_write'],
        ['product_read', 'product_write'],
      ],
    ],
    ['balanceTransactions.retrieve', 'source', [['balance_read'], ['balance_transaction_source_read']]],
    [
      'invoices.retrieve',
      'customer',
      [
        ['invoice_read', 'invoice_write'],
        ['customer_read', 'customer_write'],
      ],
    ],
    [
      'invoices.list',
      'data.customer',
      [
        ['invoice_read', 'invoice_write'],
        ['customer_read', 'customer_write'],
      ],
    ],
    [
      'paymentIntents.retrieve',
      'latest_charge.balance_transaction',
      [['payment_intent_read', 'payment_intent_write'], ['charge_read', 'charge_write'], ['balance_read']],
    ],
    ['customers.create', 'default_source', [['customer_write'], ['customer_read', 'customer_write']]],
  ])('%s + %s', (id, path, expected) => {
    const e = explain(id, { expand: [path] });
    expect(e.unknowns).toEqual([]);
    expect(e.requirements.map((r) => r.anyOf)).toEqual(expected);
    expect(e.requirements.slice(1).every((r) => r.expand === path)).toBe(true);
  });

  it('a field a customer source fills needs the customer family (Invoice.default_source)', () => {
    const e = explain('invoices.retrieve', { expand: ['default_source'] });
    expect(e.unknowns).toEqual([]);
    expect(e.requirements[1]?.anyOf).toEqual(['customer_read', 'customer_write']);
  });

  // The reference: "at least one corresponding permission for each API object you expand": the
  // objects a field holds decide, never the object holding it; what no source decides is unknown.
  it.each<[string, string, string, RegExp]>([
    ['checkout.sessions.retrieve', 'line_items', 'expand', /Checkout\.Session\.line_items: Line items are LineItem objects.*403/],
    ['paymentLinks.retrieve', 'line_items', 'expand', /PaymentLink\.line_items/],
    ['quotes.retrieve', 'line_items', 'expand', /Quote\.line_items/],
    ['issuing.cards.retrieve', 'number', 'expand', /Issuing\.Card\.number: the full card number is sensitive/],
    [
      'paymentIntents.retrieve',
      'source',
      'object',
      /^no permission family is known for BankAccount \| Card \(one of the objects it can hold: Account \| BankAccount \| Card \| Source\)$/,
    ],
    ['payouts.retrieve', 'destination', 'object', /^no permission family is known for BankAccount \| Card/],
  ])('%s + %s is unknown (%s)', (id, path, kind, reason) => {
    const e = explain(id, { expand: [path] });
    expect(e.unknowns).toEqual([expect.objectContaining({ kind, expand: path, reason: expect.stringMatching(reason) })]);
    expect(e.requirements.slice(1)).toEqual([]);
  });

  it('an embedded object of a family makes the field need it (line item taxes hold TaxRate objects)', () => {
    const e = explain('checkout.sessions.retrieve', { expand: ['line_items.data.taxes'] });
    expect(e.requirements.map((r) => r.anyOf)).toContainEqual(['tax_rate_read', 'tax_rate_write']);
    expect(e.unknowns.map((u) => u.expand)).toEqual(['line_items.data.taxes']);
  });
});

describe('strictReads', () => {
  it.each<[string, string[], string[][]]>([
    ['customers.retrieve', [], [['customer_read']]],
    ['invoices.retrieve', ['customer'], [['invoice_read'], ['customer_read']]],
    ['balance.retrieve', [], [['balance_read']]],
    ['customers.create', [], [['customer_write']]],
    ['customers.create', ['default_source'], [['customer_write'], ['customer_read']]],
    ['charges.create', [], [['charge_write']]],
  ])('%s %j needs %j', (id, expand, expected) => {
    expect(anyOf(id, expand, true)).toEqual(expected);
  });
});

describe('unknowns are reported, never guessed', () => {
  it.each<[string, string[], string, RegExp]>([
    ['invoices.retrieve', ['nope'], 'expand', /"nope" is not an expandable property of Invoice/],
    ['customers.retrieve', ['invoice_settings'], 'expand', /plain sub-object/],
    ['customers.list', ['customer'], 'expand', /"data\.customer"/],
    ['accounts.update', [], 'endpoint', /connected_account_read/],
  ])('%s %j → unknown %s', (id, expand, kind, reason) => {
    const e = explain(id, { expand });
    expect(e.unknowns).toHaveLength(1);
    expect(e.unknowns[0]).toMatchObject({ kind });
    expect(e.unknowns[0]!.reason).toMatch(reason);
  });

  it('an unmapped endpoint has no requirements and is never allowed by check()', () => {
    expect(explain('accounts.update')).toMatchObject({ status: 'unknown', requirements: [] });
    expect(check('accounts.update', {}, [])).toMatchObject({ allowed: false, missing: [] });
  });

  it('an unmatched path is unknown', () => {
    const r = resolveRequest({ method: 'GET', path: '/v1/nope' });
    expect(r).toMatchObject({ status: 'unknown', requirements: [] });
    expect(r.route).toBeUndefined();
    expect(r.unknowns[0]).toMatchObject({ kind: 'endpoint', because: 'GET /v1/nope' });
  });

  it('an unknown method id suggests the nearest one', () => {
    const e = explain('customers.retreive');
    expect(e.status).toBe('unknown');
    expect(e.unknowns[0]).toMatchObject({ kind: 'endpoint' });
    expect(e.reason).toContain('did you mean "customers.retrieve"');
  });
});

describe('check() semantics', () => {
  it.each<[string, string[], string[], boolean, string[]]>([
    // [method, declared, expand, strictReads, missing permissions]
    ['customers.retrieve', ['customer_write'], [], false, []],
    ['customers.retrieve', ['customer_write'], [], true, ['customer_read']],
    ['customers.retrieve', [], [], false, ['customer_read']],
    ['customers.create', [], [], false, ['customer_write']],
    ['customers.create', ['customer_read'], [], false, ['customer_write']],
    ['invoices.retrieve', ['invoice_read'], ['customer'], false, ['customer_read']],
    ['invoices.retrieve', ['invoice_read', 'customer_write'], ['customer'], false, []],
    ['invoices.retrieve', ['invoice_read', 'customer_write'], ['customer'], true, ['customer_read']],
    ['testHelpers.testClocks.retrieve', ['customer_write'], [], true, []], // implied reads stay granted
  ])('%s with %j (expand %j, strict %s) misses %j', (id, declared, expand, strictReads, missing) => {
    const result = check(id, { expand }, declared, { strictReads });
    expect(result.missing.map((m) => m.permission)).toEqual(missing);
    expect(result.allowed).toBe(missing.length === 0);
  });

  it('names the declared permission that satisfied a read', () => {
    expect(check('customers.retrieve', {}, ['customer_write']).satisfied[0]).toMatchObject({ satisfiedBy: 'customer_write', via: 'customer_write' });
  });
});

// What guard() and the msw handlers judge (a canonical request with the Stripe-Version sent): a
// version newer than every recorded one is named as such, not as "none named".
describe('canonical requests name the API version they are sent with', () => {
  const reasonAt = (apiVersion: string | undefined) =>
    resolveCanonical(
      canonicalRequest({ method: 'GET', path: '/v1/subscriptions/sub_1?expand[]=latest_invoice.payment_intent', apiVersion }),
      false,
    ).unknowns.map((u) => u.reason);
  it.each<[string | undefined, RegExp]>([
    ['2027-03-01.future', /in API version 2027-03-01\.future, newer than the newest recorded version \(2026-11-18\.endive \(stripe 23\.2\.0\)\)/],
    ['2026-11-18.endive', /in API version 2026-11-18\.endive;/],
    ['2025-12-01.clover', /in API version 2025-10-29\.clover;/],
  ])('%s', (apiVersion, reason) => {
    expect(reasonAt(apiVersion)).toEqual([expect.stringMatching(reason)]);
  });
});
