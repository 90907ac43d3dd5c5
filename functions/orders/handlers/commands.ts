import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseWith } from '../../kernel/domain/commands.js';
import { assertNever } from '../../kernel/domain/decider.js';
import { KernelConfigurationError } from '../../kernel/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import { documentClient } from '../../kernel/store/dynamodb.js';
import { handleCommand, newStream } from '../../kernel/store/index.js';
import * as z from '../../kernel/zod.js';
import { type TokenVault, tokenVaultFromDiscovery, withDepositedToken } from '../../payments/token-vault.js';
import {
  CancelOrder,
  ConfirmOrder,
  DeliverOrder,
  type OrderState,
  orderDecider,
  PlaceOrder,
  parseCommand,
  ShipOrder,
} from '../domain/index.js';
import { orderIdFor } from '../order-id.js';
import { lookUpPrices, PRICE_LIST_TABLE_ENV } from './price-list.js';

/**
 * What callers send (`{ command: { type, data } }`): the domain's commands, except PlaceOrder, whose order
 * id the handler derives from (customerId, idempotencyKey) and whose prices it looks up in its PriceList:
 * a client names neither.
 */
const PlaceOrderRequest = z.extend(PlaceOrder, {
  data: z.strictObject(z.omit(PlaceOrder.shape.data, { orderId: true, products: true }).shape),
});

export const ordersRequestSchema = z.discriminatedUnion('type', [
  PlaceOrderRequest,
  ConfirmOrder,
  CancelOrder,
  ShipOrder,
  DeliverOrder,
]);
export type OrdersRequest = z.infer<typeof ordersRequestSchema>;

export function parseRequest(input: unknown): OrdersRequest {
  return parseWith(ordersRequestSchema, input, 'orders');
}

/** What every orders command answers: the order after it, its public fields (status-specific ones too). */
export type OrderResult = Exclude<OrderState, { status: 'NONE' }>;

let priceClient: DynamoDBDocumentClient | undefined;
let tokenVault: TokenVault | undefined;

export async function execute(
  request: OrdersRequest,
  { store, metadata, tools }: Pick<CommandContext, 'store' | 'metadata' | 'tools'>,
): Promise<{ events: readonly DomainEvent[]; result: OrderResult }> {
  let command: ReturnType<typeof parseCommand>;
  switch (request.type) {
    case 'PlaceOrder': {
      const tableName = process.env[PRICE_LIST_TABLE_ENV];
      if (!tableName)
        throw new KernelConfigurationError(`${PRICE_LIST_TABLE_ENV} is not set: grant the PriceList`);
      priceClient ??= documentClient(tools.captureClient(new DynamoDBClient({})));
      const { customerId, idempotencyKey, items } = request.data;
      const products = await lookUpPrices(
        priceClient,
        tableName,
        items.map((line) => line.sku),
      );
      command = parseCommand({
        ...request,
        data: { ...request.data, orderId: orderIdFor(customerId, idempotencyKey), products },
      });
      break;
    }
    case 'ConfirmOrder':
    case 'CancelOrder':
    case 'ShipOrder':
    case 'DeliverOrder':
      command = request;
      break;
    default:
      return assertNever(request);
  }
  const handled = () =>
    handleCommand({
      store,
      decider: orderDecider,
      streamId: command.data.orderId,
      command,
      metadata,
      // A PlaceOrder's order id is new unless the request is a retry: decide without reading first.
      ...(command.type === 'PlaceOrder' ? { loaded: newStream(orderDecider) } : {}),
    });
  let outcome: Awaited<ReturnType<typeof handled>>;
  if (command.type === 'PlaceOrder') {
    // The token goes to payments' vault, not into OrderPlaced (v3 has none): the saga's charge reads it there.
    // payments' vault, found through service discovery (payments publishes its table's name).
    tokenVault ??= await tokenVaultFromDiscovery({ capture: (c) => tools.captureClient(c) });
    outcome = await withDepositedToken(tokenVault, command.data.orderId, command.data.paymentToken, handled);
  } else {
    outcome = await handled();
  }
  const { events, state } = outcome;
  if (state.status === 'NONE')
    throw new Error(`order ${command.data.orderId} has no state after ${command.type}`);
  return { events, result: state };
}

/**
 * The orders service's commands (Lambda, invoked by GraphQL resolvers and the fulfillment saga): PlaceOrder
 * (idempotent by (customerId, idempotencyKey), priced from orders' PriceList), ConfirmOrder, CancelOrder,
 * ShipOrder, DeliverOrder, each on the order's stream (stream id = order id).
 */
export const handler = commandHandler<OrdersRequest, OrderResult>({
  service: 'orders',
  parseCommand: parseRequest,
  execute,
});
