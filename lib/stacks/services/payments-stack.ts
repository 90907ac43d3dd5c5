import { fileURLToPath } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { detailTypes } from '../../../functions/kernel/events/catalogue.js';
import {
  PAYMENT_PROVIDER_TIMEOUT_ENV,
  PAYMENT_PROVIDER_URL_ENV,
} from '../../../functions/payments/handlers/provider-config.js';
import { PAYMENT_VIEW_TABLE_ENV } from '../../../functions/payments/read-model/payment-view.js';
import {
  PAYMENT_TOKEN_VAULT_TABLE_ENV,
  TOKEN_VAULT_DISCOVERY_NAME,
  TOKEN_VAULT_KEY,
  TOKEN_VAULT_TTL_ATTRIBUTE,
} from '../../../functions/payments/token-vault.js';
import { serviceTableProps } from '../../constructs/event-store.js';
import { ServiceDiscovery } from '../../constructs/service-discovery.js';
import type { ServiceFunction } from '../../constructs/service-function.js';
import { SandboxStack } from '../sandbox-stack.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/payments/handlers/${file}`, import.meta.url));

/**
 * The payments bounded context: ChargePayment / RefundPayment against the (simulated) provider, one event
 * stream per order's payment, the PaymentView read model that `Order.payment` resolves to, and the token
 * vault where an order's payment token waits for its charge (functions/payments/token-vault.ts): orders
 * deposits (`grantTokenDeposit`), the charge reads and deletes.
 */
export class PaymentsStack extends ServiceStack {
  public readonly commands: ServiceFunction;
  public readonly tokenVault: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'payments' }, props);

    const provider = this.config.providers.paymentProvider;
    const commands = this.addFunction('Commands', {
      entry: entry('commands.ts'),
      description: 'payments: ChargePayment (at most once per order) and RefundPayment (up to the charge)',
      environment: {
        [PAYMENT_PROVIDER_TIMEOUT_ENV]: String(provider.timeoutMs),
        ...(provider.url ? { [PAYMENT_PROVIDER_URL_ENV]: provider.url } : {}),
      },
    });
    this.commands = commands;
    // The provider: a configured one, or the sandbox's function URL, discovered and called as IAM.
    if (!provider.url) SandboxStack.grantCall(commands.alias, this, this.config.stage, 'payment-provider');
    // Its calls go through the `payment-provider` circuit breaker, whose state every environment shares.
    this.platform.circuitBreakers.grant(commands);
    this.store.grantAppend(commands);

    this.tokenVault = new dynamodb.Table(
      this,
      'PaymentTokenVault',
      serviceTableProps({
        partitionKey: { name: TOKEN_VAULT_KEY, type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: TOKEN_VAULT_TTL_ATTRIBUTE,
        removalPolicy: this.removalPolicy,
        // No backups and no stream: either would keep copies of tokens past their hour.
        pointInTimeRecovery: false,
      }),
    );
    Validations.of(this.tokenVault).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The payment-token vault holds secrets for at most an hour; point-in-time recovery would keep them 35 days.',
    });
    this.grantTokenVault(commands, ['dynamodb:GetItem', 'dynamodb:DeleteItem']);
    this.discovery.publish(TOKEN_VAULT_DISCOVERY_NAME, this.tokenVault.tableName, {
      description: "payments: the token vault's table, where PlaceOrder deposits an order's payment token",
    });

    const paymentView = this.addReadModel('PaymentView', {
      partitionKey: 'orderId',
      environmentVariable: PAYMENT_VIEW_TABLE_ENV,
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
      detailType: detailTypes('PaymentCharged', 'PaymentDeclined', 'PaymentRefunded'),
    });
  }

  /**
   * Lets `fn` (orders' PlaceOrder) leave an order's token in the vault, and take back one it left: put and
   * delete, no read. It finds the table through service discovery (`token-vault/table-name`).
   */
  grantTokenDeposit(fn: ServiceFunction): iam.Grant {
    ServiceDiscovery.grantRead(fn.alias, fn, this.config.stage, this.service, [TOKEN_VAULT_DISCOVERY_NAME]);
    return this.grantVaultAccess(fn, ['dynamodb:PutItem', 'dynamodb:DeleteItem']);
  }

  /** Payments' own functions: the table name arrives in PAYMENT_TOKEN_VAULT_TABLE. */
  private grantTokenVault(fn: ServiceFunction, actions: string[]): iam.Grant {
    fn.function.addEnvironment(PAYMENT_TOKEN_VAULT_TABLE_ENV, this.tokenVault.tableName);
    return this.grantVaultAccess(fn, actions);
  }

  private grantVaultAccess(fn: ServiceFunction, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee: fn.alias, actions, resourceArns: [this.tokenVault.tableArn] });
  }
}
