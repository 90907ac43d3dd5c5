import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type Grantee, serviceTableProps } from './event-store.js';
import { ServiceFunction } from './service-function.js';

export interface ReadModelTableProps {
  /** The projection's name (`products`, `orders-by-customer`): names the environment variable. */
  readonly name: string;
  /** The partition key attribute (the projection's `keyAttribute`). @default 'id' */
  readonly keyAttribute?: string;
  /** @default - a name CloudFormation generates */
  readonly tableName?: string;
  /**
   * A read model can be rebuilt from the store, but a rebuild takes time: the stage decides whether it
   * outlives the stack (a retained table is protected from deletion). @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Query paths besides the key (e.g. orders by customerId). Declared here so grants name each index. */
  readonly globalSecondaryIndexes?: readonly dynamodb.GlobalSecondaryIndexProps[];
}

/**
 * A CQRS read model: one item per view key, kept by a projector, read by queries (GraphQL resolvers), with
 * optional secondary indexes. Functions find the table in `READ_MODEL_TABLE_<NAME>`, the variable the
 * rebuild script reads too.
 */
export class ReadModelTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly environmentVariable: string;
  private readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: ReadModelTableProps) {
    super(scope, id);
    this.environmentVariable = `READ_MODEL_TABLE_${props.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
    this.table = new dynamodb.Table(
      this,
      'Table',
      serviceTableProps({
        partitionKey: { name: props.keyAttribute ?? 'id', type: dynamodb.AttributeType.STRING },
        tableName: props.tableName,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        pointInTimeRecovery: props.pointInTimeRecovery,
      }),
    );
    for (const index of props.globalSecondaryIndexes ?? []) this.table.addGlobalSecondaryIndex(index);
    this.indexNames = (props.globalSecondaryIndexes ?? []).map((i) => i.indexName);
  }

  /** What a projector does: read a view and put it back conditionally. */
  grantProject(grantee: Grantee): iam.Grant {
    return this.grant(grantee, ['dynamodb:GetItem', 'dynamodb:PutItem']);
  }

  /** What a query does: get, query (indexes included), scan. */
  grantQuery(grantee: Grantee): iam.Grant {
    return this.grant(grantee, [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
    ]);
  }

  private grant(grantee: Grantee, actions: string[]): iam.Grant {
    const principal = grantee instanceof ServiceFunction ? grantee.alias : grantee;
    if (grantee instanceof ServiceFunction) {
      grantee.function.addEnvironment(this.environmentVariable, this.table.tableName);
    }
    // Each index by name: `<table>/index/*` would be a wildcard cdk-nag (IAM5) asks about.
    const indexes = this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`);
    return iam.Grant.addToPrincipal({
      grantee: principal,
      actions,
      resourceArns: [this.table.tableArn, ...indexes],
    });
  }
}
