// An in-process stripe HttpClient that records what reached it (what would have left) and
// answers 200 with a small object. Never the network.
import Stripe from 'stripe';

export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, unknown>;
}

export class RecordingHttpClient extends Stripe.HttpClient {
  readonly sent: SentRequest[] = [];
  constructor(private readonly answer: Record<string, unknown> = { id: 'obj_1', object: 'customer', data: [], has_more: false }) {
    super();
  }
  override getClientName() {
    return 'recording';
  }
  override makeRequest(_host: string, _port: string, path: string, method: string, headers: object, body: string) {
    this.sent.push({ method, path, body: String(body ?? ''), headers: { ...headers } });
    const answer = this.answer;
    const Res = class extends Stripe.HttpClientResponse {
      override getRawResponse() {
        return {};
      }
      override toJSON() {
        // A fresh object each time: stripe-node defines properties on what it is given.
        return Promise.resolve({ ...answer });
      }
    };
    return Promise.resolve(new Res(200, {}));
  }
}
