import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CIRCUIT_BREAKER_TABLE_ENV } from '../../functions/kernel/resilience/settings.js';
import { serviceTableProps } from './event-store.js';
import type { ServiceFunction } from './service-function.js';

export interface CircuitBreakerTableProps {
  /** Whether the table outlives the stack (retained tables are also protected from deletion). @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The circuit breakers' shared state (kernel/resilience): one item per circuit, keyed by `name`, written only
 * on transitions with a condition on the item's version. Created once for the platform; a function that
 * guards a dependency gets `grant(fn)`, one that only shows the circuits (the operations API) `grantRead(fn)`.
 * Both set `CIRCUIT_BREAKER_TABLE`, the variable the kernel reads.
 */
export class CircuitBreakerTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: CircuitBreakerTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(
      this,
      'Table',
      serviceTableProps({
        partitionKey: { name: 'name', type: dynamodb.AttributeType.STRING },
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        pointInTimeRecovery: props.pointInTimeRecovery ?? true,
      }),
    );
  }

  /** Read and conditionally write circuit items (no delete, no scan, no index). */
  public grant(fn: ServiceFunction): void {
    this.allow(fn, ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']);
  }

  /** Read circuit items only. */
  public grantRead(fn: ServiceFunction): void {
    this.allow(fn, ['dynamodb:GetItem', 'dynamodb:BatchGetItem']);
  }

  private allow(fn: ServiceFunction, actions: string[]): void {
    fn.function.addEnvironment(CIRCUIT_BREAKER_TABLE_ENV, this.table.tableName);
    // On the function's role through the alias's grantee (the role is the same): the table ARN only.
    fn.alias.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [this.table.tableArn] }),
    );
  }
}
