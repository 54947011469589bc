// A stand-in for @stripe/ui-extension-sdk (http_client and utils), which exists only inside the
// Dashboard. createHttpClient() answers every request with `{ id, object }` from the path and
// logs it to stderr as `sent: VERB /path`; getUserAuthorizedPermissions() returns the
// comma-separated names in SPG_USER_PERMISSIONS.
import Stripe from 'stripe';

export const STRIPE_API_KEY = 'sk_test_ui_extension_stand_in';

class Response extends Stripe.HttpClientResponse {
  constructor(body) {
    super(200, {});
    this.body = body;
  }
  getRawResponse() {
    return {};
  }
  toJSON() {
    return Promise.resolve(this.body);
  }
}

class DashboardHttpClient extends Stripe.HttpClient {
  getClientName() {
    return 'ui-extension-sdk-stand-in';
  }
  makeRequest(host, port, path, method) {
    const pathname = path.split('?')[0];
    process.stderr.write(`sent: ${method} ${pathname}\n`);
    const last = pathname.split('/').pop();
    const body = /_/.test(last) ? { id: last, object: 'customer' } : { object: 'list', data: [], has_more: false, url: pathname };
    return Promise.resolve(new Response(body));
  }
}

export function createHttpClient() {
  return new DashboardHttpClient();
}

export async function getUserAuthorizedPermissions() {
  return (process.env.SPG_USER_PERMISSIONS ?? '').split(',').filter(Boolean);
}
