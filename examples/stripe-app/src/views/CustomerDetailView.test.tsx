import { render, getMockContextProps } from '@stripe/ui-extension-sdk/testing';
import { Banner, ContextView } from '@stripe/ui-extension-sdk/ui';
import { dashboard, settle } from '../../test/dashboard';
import CustomerDetailView from './CustomerDetailView';

const props = getMockContextProps({ environment: { objectContext: { id: 'cus_123', object: 'customer' } } });

describe('CustomerDetailView', () => {
  it('lists the customer’s invoices', async () => {
    const { wrapper, update } = render(<CustomerDetailView {...props} />);
    await settle();
    await update();
    expect(wrapper.find(ContextView)).toContainText('1 invoices');
    expect(dashboard.http.sent).toEqual(['GET /v1/invoices']);
  });

  it('the calls it makes are covered by stripe-app.json', () => {
    expect(['invoices.list', { customer: 'cus_123' }]).toBeAllowedBy('stripe-app.json');
    expect(['invoices.list', {}]).toRequirePermissions(['invoice_read']);
  });

  it('shows no banner when the user holds the permissions', async () => {
    const { wrapper, update } = render(<CustomerDetailView {...props} />);
    await settle();
    await update();
    expect(wrapper).not.toContainComponent(Banner);
  });
});
