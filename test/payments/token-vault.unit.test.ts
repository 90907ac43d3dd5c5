import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { KernelConfigurationError } from '../../functions/kernel/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { documentClient } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { ProviderUnavailableError, TOKEN_UNAVAILABLE } from '../../functions/payments/domain/index.js';
import { PaymentDeclinedError } from '../../functions/payments/handlers/errors.js';
import { parseRequest, paymentsExecutor } from '../../functions/payments/handlers/execute.js';
import {
  createTokenVault,
  PAYMENT_TOKEN_TTL_SECONDS,
  type TokenVault,
  tokenVaultFromEnvironment,
  withDepositedToken,
} from '../../functions/payments/token-vault.js';
import { fakePaymentProvider } from '../helpers/providers.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = documentClient(new DynamoDBClient({ region: 'us-east-1' }));
beforeEach(() => dynamo.reset());

const NOW = new Date('2026-12-04T12:00:00.000Z');
const nowSeconds = NOW.getTime() / 1000;
const vault = createTokenVault({ client, tableName: 'vault', clock: () => NOW });
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('the token vault (DynamoDB)', () => {
  it('deposits the token under the order id, expiring in an hour, unless a live one is there', async () => {
    dynamo.on(PutCommand).resolves({});
    expect(await vault.deposit('order-1', 'tok_visa')).toBe(true);
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put!.args[0].input).toMatchObject({
      TableName: 'vault',
      Item: {
        orderId: 'order-1',
        paymentToken: 'tok_visa',
        expiresAt: nowSeconds + PAYMENT_TOKEN_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(#key) OR #expires <= :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    });
  });

  it('keeps the first token when one is waiting (a retried PlaceOrder), and says so', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    expect(await vault.deposit('order-1', 'tok_other')).toBe(false);
  });

  it('passes on any other failure', async () => {
    dynamo.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(vault.deposit('order-1', 'tok_visa')).rejects.toThrow('throttled');
  });

  it('reads a live token (consistent read); an expired one TTL has not deleted yet is no token', async () => {
    dynamo
      .on(GetCommand, { Key: { orderId: 'live' } })
      .resolves({ Item: { orderId: 'live', paymentToken: 'tok_visa', expiresAt: nowSeconds + 1 } })
      .on(GetCommand, { Key: { orderId: 'expired' } })
      .resolves({ Item: { orderId: 'expired', paymentToken: 'tok_visa', expiresAt: nowSeconds } })
      .on(GetCommand, { Key: { orderId: 'none' } })
      .resolves({});
    expect(await vault.read('live')).toBe('tok_visa');
    expect(await vault.read('expired')).toBeUndefined();
    expect(await vault.read('none')).toBeUndefined();
    expect(dynamo.commandCalls(GetCommand).every((c) => c.args[0].input.ConsistentRead)).toBe(true);
  });

  it('discards by order id', async () => {
    dynamo.on(DeleteCommand).resolves({});
    await vault.discard('order-1');
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'vault',
      Key: { orderId: 'order-1' },
    });
  });

  it('refuses to start without its table name', () => {
    expect(() => tokenVaultFromEnvironment({ env: {} })).toThrow(KernelConfigurationError);
  });
});

/** The vault's contract in memory, for the adapters that use it. */
function memoryVault(): TokenVault & { readonly tokens: Map<string, string> } {
  const tokens = new Map<string, string>();
  return {
    tokens,
    deposit: async (orderId, token) => {
      if (tokens.has(orderId)) return false;
      tokens.set(orderId, token);
      return true;
    },
    read: async (orderId) => tokens.get(orderId),
    discard: async (orderId) => {
      tokens.delete(orderId);
    },
  };
}

describe('withDepositedToken (PlaceOrder)', () => {
  const placed = { events: [{ type: 'OrderPlaced' }] };

  it('leaves the token for the charge when the order is placed, before the append', async () => {
    const v = memoryVault();
    const seenAtAppend: (string | undefined)[] = [];
    await withDepositedToken(v, 'o-1', 'tok_visa', async () => {
      seenAtAppend.push(v.tokens.get('o-1'));
      return placed;
    });
    expect(seenAtAppend).toEqual(['tok_visa']);
    expect(v.tokens.get('o-1')).toBe('tok_visa');
  });

  it('takes it back when the command is refused', async () => {
    const v = memoryVault();
    await expect(
      withDepositedToken(v, 'o-1', 'tok_visa', async () => {
        throw new ValidationError('unknown SKU');
      }),
    ).rejects.toThrow(ValidationError);
    expect(v.tokens.has('o-1')).toBe(false);
  });

  it('takes it back on a retry of an order already placed whose token was used', async () => {
    const v = memoryVault();
    await withDepositedToken(v, 'o-1', 'tok_visa', async () => ({ events: [] }));
    expect(v.tokens.has('o-1')).toBe(false);
  });

  it('keeps the first token on a retry while it waits (and does not delete it)', async () => {
    const v = memoryVault();
    v.tokens.set('o-1', 'tok_first');
    await withDepositedToken(v, 'o-1', 'tok_second', async () => ({ events: [] }));
    expect(v.tokens.get('o-1')).toBe('tok_first');
  });
});

describe('ChargePayment with the vault (payments executor)', () => {
  /** A payment stream in memory: enough of the event store for handleCommand. */
  function memoryStore(): EventStore {
    const streams = new Map<string, DomainEvent[]>();
    return {
      rehydrate: async (
        streamId: string,
        decider: { initialState(): unknown; evolve(s: unknown, e: unknown): unknown },
      ) => {
        const events = streams.get(streamId) ?? [];
        return { state: events.reduce(decider.evolve, decider.initialState()), version: events.length };
      },
      append: async (streamId: string, _expected: number, events: readonly DomainEvent[]) => {
        streams.set(streamId, [...(streams.get(streamId) ?? []), ...events]);
        return { streamId, version: streams.get(streamId)!.length, events };
      },
    } as unknown as EventStore;
  }
  let n = 0;
  const metadata = () => ({
    eventId: `evt-${++n}`,
    occurredAt: NOW.toISOString(),
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
    actor: { type: 'service' as const, id: 'saga' },
  });
  const chargeRequest = (orderId: string) =>
    parseRequest({
      type: 'ChargePayment',
      data: { paymentId: `pay-${orderId}`, orderId, customerId: 'c-1', amount: 4200, currency: 'EUR' },
      metadata: {
        commandId: `${orderId}:ChargePayment`,
        issuedAt: NOW.toISOString(),
        actor: metadata().actor,
      },
    });
  const setup = () => {
    const v = memoryVault();
    const execute = paymentsExecutor(
      () => fakePaymentProvider(),
      () => v,
    );
    const context = { store: memoryStore(), metadata, tools: {} as never };
    return { v, run: (orderId: string) => execute(chargeRequest(orderId), context) };
  };

  it('charges with the token from the vault, then deletes it; a retried charge answers without it', async () => {
    const { v, run } = setup();
    v.tokens.set('o-visa', 'tok_visa');
    const { result } = await run('o-visa');
    expect(result).toMatchObject({ status: 'CHARGED', amount: 4200 });
    expect(v.tokens.has('o-visa')).toBe(false);
    expect((await run('o-visa')).result).toMatchObject({ status: 'CHARGED' });
  });

  it('keeps the token through an outage, for the retry', async () => {
    const { v, run } = setup();
    v.tokens.set('o-err', 'tok_error');
    await expect(run('o-err')).rejects.toThrow(ProviderUnavailableError);
    expect(v.tokens.get('o-err')).toBe('tok_error');
  });

  it('deletes it after a decline', async () => {
    const { v, run } = setup();
    v.tokens.set('o-dec', 'tok_decline');
    await expect(run('o-dec')).rejects.toThrow(PaymentDeclinedError);
    expect(v.tokens.has('o-dec')).toBe(false);
  });

  it('declines (token_unavailable) when the vault has no token', async () => {
    const { run } = setup();
    await expect(run('o-none')).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      details: expect.objectContaining({ declineCode: TOKEN_UNAVAILABLE }),
    });
  });

  it('refuses a token in the request: none travels through the saga', () => {
    expect(() =>
      parseRequest({
        type: 'ChargePayment',
        data: {
          paymentId: 'p',
          orderId: 'o',
          customerId: 'c',
          amount: 1,
          currency: 'EUR',
          paymentToken: 'tok_visa',
        },
        metadata: { commandId: 'x', issuedAt: NOW.toISOString(), actor: { type: 'service', id: 'saga' } },
      }),
    ).toThrow(ValidationError);
  });
});
