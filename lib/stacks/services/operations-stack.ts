import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { ServiceFunction } from '../../constructs/service-function.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

/**
 * Operations: what the people who run the platform read (the circuit breakers today). No event store and no
 * functions of its own: its GraphQL resolver lives with the others in the API stack, which asks this stack
 * for the rights to what operations shows.
 */
export class OperationsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'operations', eventSourced: false }, props);
  }

  /**
   * Lets the operations resolver read what it shows: the circuit breakers' state (never write it), and the
   * metrics `platformMetrics` reads (ListMetrics and GetMetricData have no resource-level permissions: `*`,
   * acknowledged with the function's X-Ray statement).
   */
  public grantOperationsRead(fn: ServiceFunction): void {
    this.platform.circuitBreakers.grantRead(fn);
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
        resources: ['*'],
      }),
    );
  }
}
