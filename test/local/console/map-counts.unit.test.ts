/**
 * The service map's live numbers: what passed since start, counted from the bus's delivery outcomes, the
 * Lambda service's invocations, the queues and the executions; they grow as work passes.
 */
import { describe, expect, it } from 'vitest';
import { EventIndex } from '../../../local/console/events.js';
import { mapCounts } from '../../../local/console/map-counts.js';
import type { MapEdge, MapNode, ServiceMap } from '../../../local/console/service-map.js';
import type { DeliveryRecord } from '../../../local/eventbridge/index.js';
import type { InvocationRecord } from '../../../local/lambda/lambda-service.js';
import { SqsQueues } from '../../../local/sqs/queues.js';
import type { StepFunctionsService } from '../../../local/stepfunctions/index.js';

const ARN = 'arn:aws:%s:us-east-1:000000000000:';
const arn = (service: string, rest: string) => `${ARN.replace('%s', service)}${rest}`;
const BUS = arn('events', 'event-bus/shop');
const FN = arn('lambda', 'function:starter');
const PROJECTOR = arn('lambda', 'function:projector');
const QUEUE = arn('sqs', 'work');
const DLQ = arn('sqs', 'start-dlq');
const MACHINE = arn('states', 'stateMachine:fulfillment');

const node = (id: string, kind: MapNode['kind'], name: string): MapNode => ({
  id,
  kind,
  name,
  stack: 'Shop',
  label: name,
});
const edge = (kind: MapEdge['kind'], from: string, to: string, label?: string): MapEdge => ({
  id: `${kind}|${from}|${to}|${label ?? ''}`,
  kind,
  from,
  to,
  ...(label ? { label } : {}),
});

const rule = edge('rule', BUS, FN, 'start');
const deadLetters = edge('dlq', FN, DLQ, 'start');
const toQueue = edge('rule', BUS, QUEUE, 'project');
const mapping = edge('mapping', QUEUE, PROJECTOR);
const task = edge('task', MACHINE, PROJECTOR);
const map: ServiceMap = {
  nodes: [
    node(BUS, 'bus', 'shop'),
    node(FN, 'function', 'starter'),
    node(PROJECTOR, 'function', 'projector'),
    node(QUEUE, 'queue', 'work'),
    node(DLQ, 'queue', 'start-dlq'),
    node(MACHINE, 'stateMachine', 'fulfillment'),
  ],
  edges: [rule, deadLetters, toQueue, mapping, task],
};

function world() {
  const invocations: InvocationRecord[] = [];
  const executions: { stateMachineArn: string }[] = [];
  const sqs = new SqsQueues(() => 'http://127.0.0.1:4566', 'us-east-1', '000000000000');
  sqs.create('work');
  sqs.create('start-dlq');
  const index = new EventIndex();
  const cloud = { lambda: { invocations: () => invocations }, sqs } as unknown as Parameters<
    typeof mapCounts
  >[1];
  const stepFunctions = { listExecutions: () => executions } as unknown as StepFunctionsService;
  let n = 0;
  const deliver = (ruleName: string, targetArn: string, status: DeliveryRecord['status']) =>
    index.addDelivery({
      at: '2026-12-05T00:00:01.000Z',
      status,
      eventId: `e${++n}`,
      eventBusName: 'shop',
      ruleName,
      ruleArn: arn('events', `rule/shop/${ruleName}`),
      targetId: 'T0',
      targetArn,
      attempts: 1,
      input: '{}',
    });
  const invoke = (functionName: string) =>
    invocations.push({
      requestId: `r${++n}`,
      functionName,
      executedVersion: '1',
      invocationType: 'Event',
      startedAt: 0,
      durationMs: 1,
      coldStart: false,
    });
  return {
    counts: () => mapCounts(map, cloud, index, stepFunctions),
    deliver,
    invoke,
    sqs,
    executions,
  };
}

describe('the service map’s counts', () => {
  it('are empty before anything ran', () => {
    expect(world().counts()).toEqual({ nodes: {}, edges: {} });
  });

  it('count deliveries and dead letters per rule target, invocations behind a mapping, queued messages and executions', () => {
    const w = world();
    // The rule's target is the function's alias: its deliveries count on the function's edge.
    w.deliver('start', `${FN}:live`, 'retrying');
    w.deliver('start', `${FN}:live`, 'delivered');
    w.deliver('start', `${FN}:live`, 'delivered');
    w.deliver('start', `${FN}:live`, 'dead-lettered');
    w.deliver('project', QUEUE, 'delivered');
    w.invoke('projector');
    w.invoke('projector');
    w.invoke('starter');
    w.sqs.send('start-dlq', { body: '{}' });
    w.executions.push({ stateMachineArn: MACHINE });
    expect(w.counts()).toEqual({
      edges: { [rule.id]: 2, [deadLetters.id]: 1, [toQueue.id]: 1, [mapping.id]: 2 },
      nodes: { [FN]: 1, [PROJECTOR]: 2, [DLQ]: 1, [MACHINE]: 1 },
    });
  });

  it('grow as more passes', () => {
    const w = world();
    w.deliver('start', `${FN}:live`, 'delivered');
    w.executions.push({ stateMachineArn: MACHINE });
    const before = w.counts();
    w.deliver('start', `${FN}:live`, 'delivered');
    w.deliver('other-rule', `${FN}:live`, 'delivered');
    w.executions.push({ stateMachineArn: MACHINE });
    w.invoke('projector');
    const after = w.counts();
    expect(before.edges[rule.id]).toBe(1);
    expect(after.edges[rule.id]).toBe(2);
    expect(before.nodes[MACHINE]).toBe(1);
    expect(after.nodes[MACHINE]).toBe(2);
    expect(before.edges[mapping.id]).toBeUndefined();
    expect(after.edges[mapping.id]).toBe(1);
    // A task edge carries no count of its own: the state machine's box counts its executions.
    expect(after.edges[task.id]).toBeUndefined();
  });
});
