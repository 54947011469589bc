/**
 * @jest-environment node
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FixtureHttpClient } from '../test/fixture-http-client';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHandler } = require('./server');

const http = new FixtureHttpClient({
  'GET /v1/customers/cus_123': { id: 'cus_123', object: 'customer' },
  'GET /v1/invoices': { object: 'list', data: [], has_more: false, url: '/v1/invoices' },
});
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(createHandler({ httpClient: http }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => server.close(done)));

it('answers with what the manifest lets it read', async () => {
  const res = await fetch(`${base}/customers/cus_123/summary`, { headers: { 'Stripe-Account': 'acct_123' } });
  expect(await res.json()).toEqual({ id: 'cus_123', invoices: 0 });
  expect(http.sent).toEqual(['GET /v1/customers/cus_123', 'GET /v1/invoices']);
});

