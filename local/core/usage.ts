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
  // Not billed: each function's worker CPU time, to see where the functions' CPU goes.
  'lambda.cpuMs',
  'logs.bytes',
  'dynamodb.writeRequestUnits',
  'dynamodb.readRequestUnits',
  // Not billed: every DynamoDB API call, by operation and table, to see which calls an order makes.
  'dynamodb.requests',
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
/** Per meter, what each resource (a table, a function) added to it; only meters given a resource. */
export type UsageBreakdown = Partial<Record<UsageMeterName, Record<string, number>>>;

export class UsageMeter {
  private readonly counts = new Map<UsageMeterName, number>();
  private readonly byResource = new Map<UsageMeterName, Map<string, number>>();

  /** Adds to the meter and, when a resource is named, to that resource's share of it. */
  add(name: UsageMeterName, amount = 1, resource?: string): void {
    if (!Number.isFinite(amount) || amount <= 0) return;
    this.counts.set(name, (this.counts.get(name) ?? 0) + amount);
    if (resource === undefined) return;
    const shares = this.byResource.get(name) ?? new Map<string, number>();
    this.byResource.set(name, shares);
    shares.set(resource, (shares.get(resource) ?? 0) + amount);
  }

  breakdown(): UsageBreakdown {
    return Object.fromEntries(
      [...this.byResource].map(([name, shares]) => [name, Object.fromEntries(shares)]),
    ) as UsageBreakdown;
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

/** What each resource added to each meter between two breakdowns (resources that added nothing left out). */
export function breakdownBetween(before: UsageBreakdown, after: UsageBreakdown): UsageBreakdown {
  const out: UsageBreakdown = {};
  for (const [name, shares] of Object.entries(after) as [UsageMeterName, Record<string, number>][]) {
    const changed = Object.entries(shares)
      .map(([resource, amount]) => [resource, amount - (before[name]?.[resource] ?? 0)] as const)
      .filter(([, amount]) => amount > 0);
    if (changed.length > 0) out[name] = Object.fromEntries(changed);
  }
  return out;
}

/** Lambda bills duration rounded up to the millisecond, times the memory in GB. */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
}
