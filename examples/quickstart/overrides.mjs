// Overrides: permissions the catalog does not know yet, and what a route needs, beating the map.
// The same option works for guard(), stripePermissionHandlers() and explain()/check().
import { check, explain } from 'stripe-permission-guard';

const overrides = {
  permissions: ['climate_order_read'],
  routes: {
    'GET /v1/climate/orders/**': ['climate_order_read'],
    'climate.suppliers.*': 'none',
  },
};

console.log(explain('climate.orders.list').status); // 'unknown': no reference edition lists Climate
console.log(explain('climate.orders.list', {}, { overrides }).requirements);
console.log(check('climate.orders.retrieve', {}, ['climate_order_read'], { overrides }).allowed);
console.log(check('climate.suppliers.list', {}, [], { overrides }).allowed);
