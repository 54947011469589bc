// An HttpClient that answers from fixtures by "VERB /path", so tests never reach Stripe, and
// logs what was sent: a rejected call must not appear in `sent`.
import Stripe from 'stripe';

class FixtureResponse extends Stripe.HttpClientResponse {
  constructor(
    status: number,
    private readonly body: unknown,
  ) {
    super(status, {});
  }
  getRawResponse() {
    return {};
  }
  toStream(): never {
    throw new Error('not streamed');
  }
  toJSON() {
    // A copy: stripe-node defines lastResponse on the object it is given.
    return Promise.resolve(JSON.parse(JSON.stringify(this.body)));
  }
}

export class FixtureHttpClient extends Stripe.HttpClient {
  readonly sent: string[] = [];
  constructor(private readonly fixtures: Record<string, unknown>) {
    super();
  }
  getClientName() {
    return 'fixtures';
  }
  makeRequest(_host: string, _port: string | number, path: string, method: string) {
    const key = `${method} ${path.split('?')[0]}`;
    this.sent.push(key);
    const body = this.fixtures[key];
    return Promise.resolve(
      body ? new FixtureResponse(200, body) : new FixtureResponse(404, { error: { type: 'invalid_request_error', message: `No fixture for ${key}` } }),
    ) as unknown as ReturnType<Stripe.HttpClient['makeRequest']>;
  }
}
