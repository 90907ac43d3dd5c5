import { describe, expect, it } from 'vitest';
import { EventIndex, filterOf } from '../../../local/console/events.js';
import { ConsoleAccessError, checkHost, checkSameOrigin } from '../../../local/console/guard.js';
import { baseArn, taskReferences } from '../../../local/console/service-map.js';
import { type Span, treeOrder } from '../../../local/console/traces.js';
import type { AcceptedEvent, DeliveryRecord } from '../../../local/eventbridge/index.js';
import type { HttpRequest } from '../../../local/server/router.js';

const request = (headers: Record<string, string>): HttpRequest => ({
  method: 'POST',
  url: new URL('http://localhost/console/api/queues/q/redrive'),
  headers,
  body: Buffer.from('{}'),
  context: { region: 'us-east-1', accountId: '000000000000' },
});

describe('the console guard', () => {
  const own = { host: 'localhost:4566', origin: 'http://localhost:4566', 'content-type': 'application/json' };

  it('takes a JSON POST from the console’s own page', () => {
    expect(() => checkSameOrigin(request(own))).not.toThrow();
    expect(() => checkSameOrigin(request({ ...own, 'sec-fetch-site': 'same-origin' }))).not.toThrow();
  });

  it.each([
    ['another origin', { origin: 'http://evil.example' }, 'CROSS_ORIGIN'],
    ['no origin', { origin: '' }, 'CROSS_ORIGIN'],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }, 'CROSS_ORIGIN'],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'NOT_JSON'],
    ['a rebound DNS name', { host: 'evil.example:4566', origin: 'http://evil.example:4566' }, 'FOREIGN_HOST'],
  ])('refuses %s', (_name, headers, code) => {
    const attempt = () => checkSameOrigin(request({ ...own, ...headers }));
    expect(attempt).toThrow(ConsoleAccessError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConsoleAccessError).code).toBe(code);
    }
  });

  it('answers localhost names only', () => {
    for (const host of ['localhost', '127.0.0.1:4566', '[::1]:4566'])
      expect(() => checkHost(request({ host }))).not.toThrow();
    expect(() => checkHost(request({ host: 'localhost.evil.example' }))).toThrow(/localhost only/);
  });
});

describe('the event index', () => {
  const accepted = (
    id: string,
    correlationId: string,
    type = 'OrderPlaced',
    source = 'app.orders',
  ): AcceptedEvent => ({
    eventBusName: 'bus',
    matchedRules: ['rule-a'],
    event: {
      version: '0',
      id,
      'detail-type': type,
      source,
      account: '000000000000',
      time: '2026-12-05T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { correlationId },
    },
  });
  const delivery = (eventId: string, status: DeliveryRecord['status']): DeliveryRecord => ({
    at: '2026-12-05T00:00:01.000Z',
    status,
    eventId,
    eventBusName: 'bus',
    ruleName: 'rule-a',
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/bus/rule-a',
    targetId: 'T0',
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live',
    attempts: status === 'retrying' ? 1 : 2,
    input: '{}',
  });

  it('filters, keeps the latest outcome per target and counts deliveries by function', () => {
    const index = new EventIndex(2);
    index.addEvent(accepted('e1', 'c1'));
    index.addEvent(accepted('e2', 'c2', 'OrderCancelled'));
    index.addDelivery(delivery('e1', 'retrying'));
    index.addDelivery(delivery('e1', 'delivered'));
    expect(index.list(filterOf(new URLSearchParams('detailType=placed')))).toMatchObject([
      { id: 'e1', correlationId: 'c1', deliveries: [{ status: 'delivered', attempts: 2 }] },
    ]);
    expect(index.list({ correlationId: 'c2' }).map((e) => e.id)).toEqual(['e2']);
    expect(index.delivered.get('rule-a|arn:aws:lambda:us-east-1:000000000000:function:fn')).toBe(1);
    index.addEvent(accepted('e3', 'c1'));
    expect(index.get('e1')).toBeUndefined();
    expect(index.byCorrelation('c1').map((a) => a.event.id)).toEqual(['e3']);
  });

  it('filters by source, any part of it, whatever its case, alone or with the other filters', () => {
    const index = new EventIndex();
    index.addEvent(accepted('e1', 'c1', 'OrderPlaced', 'app.orders'));
    index.addEvent(accepted('e2', 'c2', 'PaymentCaptured', 'app.payments'));
    index.addEvent(accepted('e3', 'c1', 'PaymentRefunded', 'app.payments'));
    const ids = (query: string) => index.list(filterOf(new URLSearchParams(query))).map((e) => e.id);
    expect(ids('source=app.payments')).toEqual(['e3', 'e2']);
    expect(ids('source=ORDERS')).toEqual(['e1']);
    expect(ids('source=payments&correlationId=c1')).toEqual(['e3']);
    expect(ids('source=payments&detailType=Captured')).toEqual(['e2']);
    expect(ids('source=app.shipping')).toEqual([]);
    expect(ids('source=')).toEqual(['e3', 'e2', 'e1']);
  });

  it('shows a delivery that went to its dead-letter queue as such, with the queue and the error', () => {
    const index = new EventIndex();
    index.addEvent(accepted('e1', 'c1'));
    const dlq = 'arn:aws:sqs:us-east-1:000000000000:rule-a-dlq';
    index.addDelivery({
      ...delivery('e1', 'dead-lettered'),
      deadLetterArn: dlq,
      errorCode: 'NO_RESOURCE',
      errorMessage: 'The specified queue does not exist',
    });
    const shown = { status: 'dead-lettered', deadLetterArn: dlq, errorCode: 'NO_RESOURCE', rule: 'rule-a' };
    expect(index.list({})).toMatchObject([{ id: 'e1', deliveries: [shown] }]);
    expect(index.get('e1')?.deliveries).toMatchObject([shown]);
    // The service map counts it on the rule's dead-letter edge, not as delivered.
    expect(index.deadLettered.get('rule-a|arn:aws:lambda:us-east-1:000000000000:function:fn')).toBe(1);
    expect(index.delivered.size).toBe(0);
  });
});

describe('service map helpers', () => {
  it('reads what a definition’s tasks name', () => {
    const definition = JSON.stringify({
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:lambda:r:1:function:f:live' },
        B: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ EventBusName: 'bus', 'Detail.$': '$.x' }] },
        },
        C: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'g' } },
      },
    });
    expect(taskReferences(definition)).toEqual([
      'arn:aws:lambda:r:1:function:f:live',
      'arn:aws:states:::events:putEvents',
      'bus',
      'arn:aws:states:::lambda:invoke',
      'g',
    ]);
    expect(baseArn('arn:aws:lambda:r:1:function:f:live')).toBe('arn:aws:lambda:r:1:function:f');
    expect(baseArn('arn:aws:dynamodb:r:1:table/t/stream/2026')).toBe('arn:aws:dynamodb:r:1:table/t');
  });

  it('orders a waterfall as a tree', () => {
    const span = (id: string, start: number, parent?: string): Span => ({
      id,
      kind: 'state',
      name: id,
      start,
      end: start + 1,
      depth: parent ? 1 : 0,
      ...(parent ? { parent } : {}),
    });
    const ordered = treeOrder([
      span('b', 5),
      span('a', 1),
      span('a2', 9, 'a'),
      span('a1', 2, 'a'),
      span('b1', 6, 'b'),
    ]);
    expect(ordered.map((s) => s.id)).toEqual(['a', 'a1', 'a2', 'b', 'b1']);
  });
});
