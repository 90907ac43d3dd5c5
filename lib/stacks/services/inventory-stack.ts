import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

/** The inventory bounded context. (Its functions, read models and subscriptions are being built.) */
export class InventoryStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'inventory' }, props);
  }
}
