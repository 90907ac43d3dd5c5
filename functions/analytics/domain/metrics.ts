/**
 * Analytics is read side only: no commands, no aggregate. These are the definitions its projection
 * (read-model/sales-summary.ts) computes, kept apart so the meaning of each number is written once.
 */

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export const orderStatuses: readonly OrderStatus[] = [
  'PENDING',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
];

/** The UTC calendar day (YYYY-MM-DD) of an ISO 8601 instant, whatever its offset. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Revenue counts orders the saga confirmed and nobody cancelled since; pending orders may still fail. */
export function earnsRevenue(status: OrderStatus | undefined): boolean {
  return status === 'CONFIRMED' || status === 'SHIPPED' || status === 'DELIVERED';
}

export type SagaResult = 'RUNNING' | 'SUCCEEDED' | 'COMPENSATED' | 'FAILED';

/**
 * A saga's result: FAILED or COMPENSATED when it said so (SagaFailed, SagaCompensated), SUCCEEDED when the
 * order it worked on was confirmed (the saga emits no success event: OrderConfirmed is its success), else
 * RUNNING.
 */
export function sagaResult(run: {
  readonly outcome?: 'COMPENSATED' | 'FAILED';
  readonly subjectConfirmed: boolean;
}): SagaResult {
  if (run.outcome) return run.outcome;
  return run.subjectConfirmed ? 'SUCCEEDED' : 'RUNNING';
}

/** Succeeded over finished (succeeded + compensated + failed); null before any saga finished. */
export function successRate(counts: {
  readonly succeeded: number;
  readonly compensated: number;
  readonly failed: number;
}): number | null {
  const finished = counts.succeeded + counts.compensated + counts.failed;
  return finished === 0 ? null : counts.succeeded / finished;
}
