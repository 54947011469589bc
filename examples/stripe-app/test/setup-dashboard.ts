// Every test file gets the Dashboard stand-ins of ./dashboard.ts instead of the extension SDK's.
import { TextEncoder } from 'node:util';
import { dashboard } from './dashboard';

// jsdom has no TextEncoder, which stripe-node uses to send a request.
Object.assign(globalThis, { TextEncoder });

jest.mock('@stripe/ui-extension-sdk/http_client', () => ({
  STRIPE_API_KEY: 'sk_test_ui_extension',
  createHttpClient: () => jest.requireActual('./dashboard').dashboard.http,
}));
jest.mock('@stripe/ui-extension-sdk/utils', () => ({
  getUserAuthorizedPermissions: async () => jest.requireActual('./dashboard').dashboard.userPermissions,
}));

beforeEach(() => dashboard.reset());
