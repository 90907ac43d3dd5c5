/**
 * `readPlatformMetrics` with the real CloudWatch client against the local CloudWatch (JSON protocol), on a
 * bare endpoint: what the operations resolver does on the local cloud, without starting the whole app.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlatformMetrics } from '../../functions/operations/platform-metrics.js';
import { single } from '../../local/cloudwatch/metrics.js';
import { CloudWatchService } from '../../local/cloudwatch/service.js';
import { quietLogger } from '../../local/core/log.js';
import { Router } from '../../local/server/router.js';

const router = new Router(quietLogger);
const service = new CloudWatchService([]);
let client: CloudWatchClient;

beforeAll(async () => {
  router.registerService(service);
  const port = await router.listen(0);
  client = new CloudWatchClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client?.destroy();
  await router.close();
});

describe('platformMetrics on the local CloudWatch', () => {
  it('reads sagas, durations, bus counts and dead-letter depth through the SDK', async () => {
    const now = Date.now();
    const saga = [
      { Name: 'service', Value: 'saga' },
      { Name: 'SagaName', Value: 'OrderFulfillment' },
    ];
    const put = (namespace: string, name: string, dims: typeof saga, value: number, ago = 5_000) =>
      service.putDatapoint(namespace, name, dims, single(now - ago, value));
    put('CommerceForge', 'SagaSucceeded', saga, 1);
    put('CommerceForge', 'SagaSucceeded', saga, 1, 6_000);
    put('CommerceForge', 'SagaCompensated', saga, 1);
    put('CommerceForge', 'SagaDuration', saga, 1_000);
    put('CommerceForge', 'SagaDuration', saga, 3_000);
    put('AWS/Events', 'PutEventsApproximateSuccessCount', [], 7);
    put('AWS/Events', 'Invocations', [], 5);
    put('AWS/Events', 'FailedInvocations', [], 1);
    // Outside the window: not counted.
    put('CommerceForge', 'SagaSucceeded', saga, 1, 3_600_000);
    const dlq = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible' };
    service.metrics.sample(
      { ...dlq, dimensions: [{ Name: 'QueueName', Value: 'x-DeadLetterQueue-1' }] },
      now - 120_000,
      2,
    );
    service.metrics.sample(
      { ...dlq, dimensions: [{ Name: 'QueueName', Value: 'x-WorkQueue-1' }] },
      now - 120_000,
      50,
    );

    const metrics = await readPlatformMetrics(client, {
      minutes: 30,
      now: new Date(now),
      openCircuitBreakers: 0,
    });
    expect(metrics).toMatchObject({
      sagasEnded: 3,
      sagaSuccessRate: 2 / 3,
      sagaCompensationRate: 1 / 3,
      avgTraceDurationMs: 2_000,
      p99TraceDurationMs: 3_000,
      eventsPublished: 7,
      eventsDelivered: 4,
      deadLetterDepth: 2,
      chaosValidationRate: 0,
    });
  });
});
