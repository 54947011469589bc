// What a call needs, and what a set of permissions lacks for it: no client, no request.
import { check, explain, formatExplanation } from 'stripe-permission-guard';

console.log(explain('invoices.retrieve', { expand: ['customer'] }).requirements);
console.log(explain({ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' }).requirements.length);

const result = check('balanceTransactions.retrieve', { expand: ['source'] }, ['balance_read']);
console.log(result.allowed, result.missing[0].permission);
console.log(formatExplanation(result.explanation, result));
