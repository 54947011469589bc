import { useEffect, useState } from 'react';
import { Banner, Box, ContextView } from '@stripe/ui-extension-sdk/ui';
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { stripe } from '../stripe-client';

const CustomerDetailView = ({ environment }: ExtensionContextValue) => {
  const customerId = environment.objectContext?.id ?? '';
  const [invoices, setInvoices] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    stripe.invoices.list({ customer: customerId, limit: 10 }).then(
      (list) => setInvoices(list.data.length),
      (err: Error) => setProblem(err.message),
    );
  }, [customerId]);

  return (
    <ContextView title="Invoices">
      {problem ? <Banner type="critical" title={problem} /> : <Box>{invoices === null ? 'Loading invoices…' : `${invoices} invoices`}</Box>}
    </ContextView>
  );
};

export default CustomerDetailView;
