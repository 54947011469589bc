// Preloaded (`node --import ./test/helpers/offline.mjs`) when tests run the examples as a user
// would: no socket may leave for a non-loopback host, so an example that reached the network
// fails instead of talking to Stripe; and `@stripe/ui-extension-sdk`, which only exists inside
// the Dashboard, resolves to the stand-in next to this file.
import net from 'node:net';
import { register } from 'node:module';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof first === 'object' && first !== null ? (first.host ?? 'localhost') : typeof args[1] === 'string' ? args[1] : 'localhost';
  const path = typeof first === 'object' && first !== null ? first.path : typeof first === 'string' ? first : undefined;
  if (path === undefined && !LOOPBACK.has(host)) {
    const error = new Error(`offline: the example tried to connect to ${host}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

register('./ui-extension-sdk-loader.mjs', import.meta.url);
