import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  CircuitOpenError,
  CircuitStateError,
  type CircuitStateStore,
  DEFAULT_BREAKER_SETTINGS,
  dynamoCircuitStore,
} from '../../../functions/kernel/resilience/index.js';
import { FakeClock, RecordingObserver } from '../../helpers/circuits.js';
import { type LocalTables, startLocalTables } from '../../helpers/local-dynamodb.js';

let tables: LocalTables;
let store: CircuitStateStore;
let tableName: string;

beforeAll(async () => {
  tables = await startLocalTables();
  tableName = await tables.keyedTable(undefined, 'name');
  store = dynamoCircuitStore({ tableName, client: tables.doc });
}, 60_000);
afterAll(async () => {
  await tables?.stop();
});

/** Two execution environments: two breakers, each with its own memory, sharing the table and the clock. */
function environments(name: string, clock: FakeClock) {
  const make = (id: string) =>
    new CircuitBreaker({
      name,
      settings: { ...DEFAULT_BREAKER_SETTINGS, successThreshold: 1 },
      store,
      now: clock.now,
      instanceId: id,
    });
  return [make('env-a'), make('env-b')] as const;
}

describe('circuit breaker on DynamoDB Local', () => {
  it('given an open circuit past its timeout, when two environments race, then exactly one probes (50 rounds)', async () => {
    const clock = new FakeClock();
    const [a, b] = environments('race', clock);
    const outage = () => Promise.reject(new Error('outage'));
    for (let i = 0; i < 5; i++) await a.call(outage).catch(() => {});
    expect((await store.get('race'))?.state).toBe('OPEN');

    for (let round = 0; round < 50; round++) {
      clock.advance(60);
      let probes = 0;
      // Both see OPEN past nextAttemptAt (their caches have expired) and call at the same moment; the probe fails
      // so the circuit opens again for the next round.
      const results = await Promise.allSettled(
        [a, b].map((breaker) =>
          breaker.call(async () => {
            probes++;
            throw new Error('still down');
          }),
        ),
      );
      expect(probes).toBe(1);
      const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof CircuitOpenError);
      expect(refused).toHaveLength(1);
      expect((await store.get('race'))?.state).toBe('OPEN');
    }
    // Every transition was one conditional write on the version before it: 1 open + 50 × (probe, reopen).
    expect((await store.get('race'))?.version).toBe(101);
  }, 120_000);

  it('given a successful probe, then the circuit closes for both environments', async () => {
    const clock = new FakeClock();
    const [a, b] = environments('recovery', clock);
    for (let i = 0; i < 5; i++) await a.call(() => Promise.reject(new Error('outage'))).catch(() => {});
    clock.advance(60);
    let calls = 0;
    const results = await Promise.allSettled(
      [a, b].map((breaker) =>
        breaker.call(async () => {
          calls++;
          return 'ok';
        }),
      ),
    );
    // One probe closed it; the other environment either was refused during the probe or came after the close.
    const refused = results.filter((r) => r.status === 'rejected');
    expect(calls + refused.length).toBe(2);
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof CircuitOpenError)).toBe(true);
    // open (1), the probe elected (2), closed (3): one probe, whatever the interleaving.
    expect(await store.get('recovery')).toMatchObject({ state: 'CLOSED', failureCount: 0, version: 3 });
    clock.advance(5);
    expect(await a.call(async () => 'a')).toBe('a');
    expect(await b.call(async () => 'b')).toBe('b');
  }, 60_000);

  it('given an item that is not a circuit record, then the breaker fails open and says so', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await tables.doc.send(
      new PutCommand({ TableName: tableName, Item: { name: 'garbage', state: 'BROKEN' } }),
    );
    const observer = new RecordingObserver();
    const breaker = new CircuitBreaker({
      name: 'garbage',
      settings: DEFAULT_BREAKER_SETTINGS,
      store,
      now: new FakeClock().now,
      observer,
    });
    expect(await breaker.call(async () => 'called')).toBe('called');
    expect(observer.unavailable).toEqual(['read']);
    await expect(store.get('garbage')).rejects.toBeInstanceOf(CircuitStateError);
  });
});
