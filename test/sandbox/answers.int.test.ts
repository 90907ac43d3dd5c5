/**
 * The sandbox's memory of answered idempotency keys (functions/sandbox/idempotency.ts) on DynamoDB Local: the
 * first answer is kept, a repeat gets it back, the same key for another request is a mismatch, and of two
 * calls racing with one key exactly one answer is kept and both get it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TABLE_KEY } from '../../functions/sandbox/environment.js';
import { type AnswerStore, dynamoAnswerStore } from '../../functions/sandbox/idempotency.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

let tables: LocalTables;
let answers: AnswerStore;

beforeAll(async () => {
  tables = await startLocalTables();
  answers = dynamoAnswerStore(await tables.keyedTable('sandbox-answers', SANDBOX_TABLE_KEY), tables.raw);
});
afterAll(async () => {
  await tables?.stop();
});

const approved = { statusCode: 200, body: '{"status":"approved","providerReference":"r-1"}' };
const declined = { statusCode: 402, body: '{"status":"declined","declineCode":"x","reason":"y"}' };

describe('the sandbox answers on DynamoDB Local', () => {
  it('keeps the first answer and gives it back to a repeat; another request with the key is a mismatch', async () => {
    expect(await answers.remember('payment-provider#k-1', 'request-a', approved)).toEqual({ kind: 'new' });
    expect(await answers.remember('payment-provider#k-1', 'request-a', declined)).toEqual({
      kind: 'replay',
      answer: approved,
    });
    expect(await answers.remember('payment-provider#k-1', 'request-b', approved)).toEqual({
      kind: 'mismatch',
    });
  });

  it('keeps exactly one answer of two racing calls with one key, and both end with it', async () => {
    const results = await Promise.all([
      answers.remember('payment-provider#race', 'same', approved),
      answers.remember('payment-provider#race', 'same', declined),
    ]);
    expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
    const kept = results.find((r) => r.kind === 'replay');
    expect(kept?.kind).toBe('replay');
    const winner = results[0]!.kind === 'new' ? approved : declined;
    expect(kept).toEqual({ kind: 'replay', answer: winner });
  });
});
