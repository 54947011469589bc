// Expand paths are judged against the request's API version: Invoice.subscription was removed in
// 2025-03-31.basil. guard() reads the version the client sends; explain()/check() take `apiVersion`.
import { explain } from 'stripe-permission-guard';

for (const apiVersion of ['2024-06-20', '2025-03-31.basil']) {
  const { requirements, unknowns } = explain('invoices.retrieve', { expand: ['subscription'] }, { apiVersion });
  console.log(apiVersion, requirements.map((r) => r.anyOf), unknowns.map((u) => u.reason));
}
