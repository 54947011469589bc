import Stripe from 'stripe';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);

export async function chargeWithCustomer(id) {
  return stripe.charges.retrieve(id, { expand: ['customer'] });
}

export async function refund(chargeId) {
  // An error path no test reaches: the rule reports it at this line.
  return stripe.refunds.create({ charge: chargeId });
}
