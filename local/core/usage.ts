/**
 * Metered usage of the local cloud, counted as AWS bills it: Lambda requests and GB-seconds (init apart),
 * DynamoDB read and write request units (as DynamoDB Local reports them in ConsumedCapacity), EventBridge
 * events, Step Functions state transitions, SQS requests, AppSync operations and real-time messages, log bytes,
 * X-Ray traces. `GET /_local/usage` answers a snapshot; `npm run bench` divides the difference over a run by
 * its orders and `npm run cost` prices it.
 */

export const USAGE_METERS = [
  'lambda.invocations',
  'lambda.gbSeconds',
  'lambda.initGbSeconds',
  'logs.bytes',
  'dynamodb.writeRequestUnits',
  'dynamodb.readRequestUnits',
  'events.published',
  'events.deliveredToTargets',
  'states.executions',
  'states.transitions',
  'sqs.requests',
  'appsync.operations',
  'appsync.realtimeMessages',
  'xray.traces',
] as const;

export type UsageMeterName = (typeof USAGE_METERS)[number];
export type UsageSnapshot = Record<UsageMeterName, number>;

export class UsageMeter {
  private readonly counts = new Map<UsageMeterName, number>();

  add(name: UsageMeterName, amount = 1): void {
    if (!Number.isFinite(amount) || amount <= 0) return;
    this.counts.set(name, (this.counts.get(name) ?? 0) + amount);
  }

  snapshot(): UsageSnapshot {
    return Object.fromEntries(
      USAGE_METERS.map((name) => [name, this.counts.get(name) ?? 0]),
    ) as UsageSnapshot;
  }
}

/** What changed between two snapshots. */
export function usageBetween(before: UsageSnapshot, after: UsageSnapshot): UsageSnapshot {
  return Object.fromEntries(
    USAGE_METERS.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]),
  ) as UsageSnapshot;
}

/** Lambda bills duration rounded up to the millisecond, times the memory in GB. */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
}
