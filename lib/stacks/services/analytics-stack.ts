import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

/** The analytics bounded context. (Its functions, read models and subscriptions are being built.) */
export class AnalyticsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'analytics', eventSourced: false }, props);
  }
}
