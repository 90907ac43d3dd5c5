import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

/** The orders bounded context. (Its functions, read models and subscriptions are being built.) */
export class OrdersStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'orders' }, props);
  }
}
