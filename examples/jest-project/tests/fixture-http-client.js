// An HttpClient that answers from fixtures by path, so the tests never reach Stripe. (msw 2 does
// the same job under vitest; under Jest's CommonJS runtime on Node 20 it cannot be required.)
const Stripe = require('stripe');

class FixtureResponse extends Stripe.HttpClientResponse {
  constructor(status, body) {
    super(status, {});
    this.body = body;
  }
  getRawResponse() {
    return {};
  }
  toJSON() {
    return Promise.resolve(this.body);
  }
}

class FixtureHttpClient extends Stripe.HttpClient {
  constructor(fixtures) {
    super();
    this.fixtures = fixtures;
  }
  getClientName() {
    return 'fixtures';
  }
  makeRequest(host, port, path, method) {
    const body = this.fixtures[`${method} ${path.split('?')[0]}`];
    if (body) return Promise.resolve(new FixtureResponse(200, body));
    return Promise.resolve(new FixtureResponse(404, { error: { type: 'invalid_request_error', message: `No fixture for ${method} ${path}` } }));
  }
}

module.exports = { FixtureHttpClient };
