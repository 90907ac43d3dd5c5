import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { discover } from '../kernel/discovery.js';
import { KernelConfigurationError } from '../kernel/errors.js';
import type { Clock } from '../kernel/events/metadata.js';
import { systemClock } from '../kernel/runtime.js';
import { documentClient } from '../kernel/store/dynamodb.js';

/**
 * Payments' token vault: where an order's payment token waits for the charge, and nowhere else. The token is
 * the provider's (tok_...), never card data, but whoever holds it can charge the card: it must not live in
 * events (kept for ever in the store, the bus archive and every consumer), in the saga's execution data or in
 * logs. So PlaceOrder (orders) deposits it under the order id, the saga's ChargePayment (payments) reads it by
 * the order id, and once the charge has an outcome (charged or declined) payments deletes it. An outage leaves
 * it for the saga's retry. What nobody takes expires: DynamoDB's TTL deletes it (within days, so reads check
 * the expiry themselves), after an hour — longer than the saga may run (50 min), shorter than anything else.
 *
 * The table (PaymentsStack `PaymentTokenVault`): partition `orderId`, TTL `expiresAt` (epoch seconds),
 * encrypted, no stream and no point-in-time recovery (both would keep copies of the tokens).
 */

/** The environment variable the vault's table name arrives in (set by PaymentsStack's grants). */
export const PAYMENT_TOKEN_VAULT_TABLE_ENV = 'PAYMENT_TOKEN_VAULT_TABLE';
/** The table's partition key and TTL attribute. */
export const TOKEN_VAULT_KEY = 'orderId';
export const TOKEN_VAULT_TTL_ATTRIBUTE = 'expiresAt';
/** How long a deposited token may wait for its charge. */
export const PAYMENT_TOKEN_TTL_SECONDS = 60 * 60;

export interface TokenVault {
  /**
   * Leaves the order's token, unless one is already waiting (a retried PlaceOrder keeps the first token).
   * True when this call deposited it.
   */
  deposit(orderId: string, paymentToken: string): Promise<boolean>;
  /** The order's token while it is there and not expired. */
  read(orderId: string): Promise<string | undefined>;
  /** Deletes the order's token (whether or not there is one). */
  discard(orderId: string): Promise<void>;
}

export function createTokenVault(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: Clock;
  /** @default PAYMENT_TOKEN_TTL_SECONDS */
  readonly ttlSeconds?: number;
}): TokenVault {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;
  const ttl = options.ttlSeconds ?? PAYMENT_TOKEN_TTL_SECONDS;
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  const key = (orderId: string) => ({ [TOKEN_VAULT_KEY]: orderId });

  return {
    async deposit(orderId, paymentToken) {
      const now = nowSeconds();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(orderId), paymentToken, [TOKEN_VAULT_TTL_ATTRIBUTE]: now + ttl },
            // An expired token that TTL has not deleted yet counts as gone.
            ConditionExpression: 'attribute_not_exists(#key) OR #expires <= :now',
            ExpressionAttributeNames: { '#key': TOKEN_VAULT_KEY, '#expires': TOKEN_VAULT_TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async read(orderId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(orderId), ConsistentRead: true }),
      );
      if (!Item || typeof Item.paymentToken !== 'string') return undefined;
      const expiresAt = Item[TOKEN_VAULT_TTL_ATTRIBUTE];
      return typeof expiresAt === 'number' && expiresAt > nowSeconds() ? Item.paymentToken : undefined;
    },
    async discard(orderId) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: key(orderId) }));
    },
  };
}

/**
 * Runs `place` (PlaceOrder's append) with the order's token deposited first, so the charge never looks before
 * it is there. The deposit stays only if this call placed the order: a refused command, or a retry of an
 * order already placed (whose token is waiting, or was used), takes back what it deposited.
 */
export async function withDepositedToken<T extends { readonly events: readonly unknown[] }>(
  vault: TokenVault,
  orderId: string,
  paymentToken: string,
  place: () => Promise<T>,
): Promise<T> {
  const deposited = await vault.deposit(orderId, paymentToken);
  let outcome: T;
  try {
    outcome = await place();
  } catch (error) {
    if (deposited) await vault.discard(orderId);
    throw error;
  }
  if (deposited && outcome.events.length === 0) await vault.discard(orderId);
  return outcome;
}

/** What payments publishes for depositors (orders): the vault's table, `/commerceforge/<stage>/payments/...`. */
export const TOKEN_VAULT_DISCOVERY_NAME = 'token-vault/table-name';

/**
 * The vault for another service (orders' PlaceOrder): its table found through service discovery (cached),
 * not an environment variable wired from the payments stack.
 */
export async function tokenVaultFromDiscovery(
  options: { readonly capture?: (client: DynamoDBClient) => DynamoDBClient } = {},
): Promise<TokenVault> {
  const tableName = await discover('payments', TOKEN_VAULT_DISCOVERY_NAME);
  const raw = new DynamoDBClient({});
  return createTokenVault({
    client: documentClient(options.capture ? options.capture(raw) : raw),
    tableName,
  });
}

/** The vault named by PAYMENT_TOKEN_VAULT_TABLE (payments' own functions); `capture` lets the Tracer trace the client. */
export function tokenVaultFromEnvironment(
  options: {
    readonly capture?: (client: DynamoDBClient) => DynamoDBClient;
    readonly env?: Record<string, string | undefined>;
  } = {},
): TokenVault {
  const tableName = (options.env ?? process.env)[PAYMENT_TOKEN_VAULT_TABLE_ENV];
  if (!tableName) {
    throw new KernelConfigurationError(
      `${PAYMENT_TOKEN_VAULT_TABLE_ENV} is not set: grant this function payments' token vault`,
    );
  }
  const raw = new DynamoDBClient({});
  return createTokenVault({
    client: documentClient(options.capture ? options.capture(raw) : raw),
    tableName,
  });
}
