// Type tests (checked by `tsc --noEmit` in npm test): the guarded client keeps its exact type,
// and the public types say what the runtime does.
import { describe, expectTypeOf, it } from 'vitest';
import Stripe from 'stripe';
import { guard, unguard, explain, check, type Violation, type GuardOptions, type CheckResult, type Explanation } from '../src/index.js';

describe('types', () => {
  it('guard() returns the client with its own type', () => {
    const stripe = new Stripe('sk_test_types');
    const guarded = guard(stripe, { permissions: ['customer_read'] });
    expectTypeOf(guarded).toEqualTypeOf<Stripe>();
    expectTypeOf(guarded.customers.retrieve).toEqualTypeOf(stripe.customers.retrieve);
    expectTypeOf(unguard(guarded)).toEqualTypeOf<Stripe>();
    // A subclass keeps its subclass type.
    class MyStripe extends Stripe {
      extra = 1;
    }
    expectTypeOf(guard(new MyStripe('sk_test_types'), { permissions: [] })).toEqualTypeOf<MyStripe>();
  });

  it('options are strategy unions; permissions may be async per account', () => {
    expectTypeOf<GuardOptions['mode']>().toEqualTypeOf<'throw' | 'warn' | 'off' | undefined>();
    expectTypeOf<GuardOptions['onUnmapped']>().toEqualTypeOf<'throw' | 'warn' | 'allow' | undefined>();
    const options: GuardOptions = {
      permissions: async ({ stripeAccount }) => (stripeAccount ? ['customer_read'] : []),
      onViolation: (v: Violation) => void v.missingPermissions,
    };
    // What a permissions function is told, and what it may return.
    expectTypeOf<Parameters<Extract<GuardOptions['permissions'], (...a: never[]) => unknown>>[0]['stripeContext']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ReturnType<Extract<GuardOptions['permissions'], (...a: never[]) => unknown>>>().toEqualTypeOf<
      readonly string[] | Promise<readonly string[]>
    >();
    void options;
    // @ts-expect-error -- not a mode
    const bad: GuardOptions = { permissions: [], mode: 'loud' };
    void bad;
  });

  it('explain() and check() have both call forms', () => {
    expectTypeOf(explain('customers.retrieve', { expand: ['default_source'] })).toEqualTypeOf<Explanation>();
    expectTypeOf(explain({ method: 'GET', path: '/v1/customers/cus_1' })).toEqualTypeOf<Explanation>();
    expectTypeOf(check('customers.create', {}, ['customer_write'])).toEqualTypeOf<CheckResult>();
    expectTypeOf(check({ method: 'POST', path: '/v1/customers' }, ['customer_read']).missing[0]!.permission).toEqualTypeOf<string>();
  });
});
