import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/payments/handlers/${file}`, import.meta.url));

/**
 * The payments bounded context: ChargePayment / RefundPayment against the (simulated) provider, one event
 * stream per order's payment, and the PaymentView read model that `Order.payment` resolves to.
 */
export class PaymentsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'payments' }, props);

    const commands = this.addFunction('Commands', {
      entry: entry('commands.ts'),
      description: 'payments: ChargePayment (at most once per order) and RefundPayment (up to the charge)',
    });
    this.store.grantAppend(commands);

    const paymentView = this.addReadModel('PaymentView', {
      partitionKey: 'orderId',
      environmentVariable: 'PAYMENT_VIEW_TABLE',
    });
    const { fn: projector, queue } = this.addProjector('Projector', {
      entry: entry('projector.ts'),
      description: 'payments: keeps PaymentView from the payment streams',
    });
    this.grantReadModel(paymentView, projector, 'write');
    // Gaps are caught up from the store (events of the service's own streams).
    this.store.grantRead(projector);
    this.project('ProjectPayments', queue, {
      source: ['commerceforge.payments'],
      detailType: ['PaymentCharged', 'PaymentDeclined', 'PaymentRefunded'],
    });
  }
}
