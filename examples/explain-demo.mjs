// `npm run demo` (until the guard lands): what each call of an app needs, checked
// against the app's stripe-app.json.
import { readFileSync } from 'node:fs';
import { check, formatExplanation } from 'stripe-permission-guard';

const manifestPath = new URL('./backend/stripe-app.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const declared = manifest.permissions.map((p) => p.permission);

console.log(`Manifest examples/backend/stripe-app.json declares: ${declared.join(', ')}\n`);
const calls = [
  ['invoices.retrieve', { expand: ['customer'] }],
  ['invoices.list', { expand: ['data.customer', 'data.default_payment_method'] }],
  ['customers.update', { name: 'Jenny' }],
  ['checkout.sessions.retrieve', { expand: ['payment_intent', 'line_items'] }],
  ['balanceTransactions.retrieve', { expand: ['source'] }],
  ['customers.retrieve', { expand: ['nmae'] }],
];
for (const [method, params] of calls) {
  const result = check(method, params, declared);
  console.log(formatExplanation(result.explanation, result));
  console.log();
}
