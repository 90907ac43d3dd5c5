import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

/** The payments bounded context. (Its functions, read models and subscriptions are being built.) */
export class PaymentsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'payments' }, props);
  }
}
