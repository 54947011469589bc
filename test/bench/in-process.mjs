// The in-process HttpClient the benchmarks compare with: stripe's own work, no network.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');

export class InProcess extends Stripe.HttpClient {
  getClientName() {
    return 'bench';
  }
  makeRequest() {
    return Promise.resolve(new Ok());
  }
}
class Ok extends Stripe.HttpClientResponse {
  constructor() {
    super(200, {});
  }
  getRawResponse() {
    return {};
  }
  toJSON() {
    return Promise.resolve({ id: 'cus_1', object: 'customer' });
  }
}
