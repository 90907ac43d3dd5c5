import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { CUSTOMER_SUMMARY_SOURCE } from '../../../functions/analytics/read-model/customer-summary.js';
import {
  SALES_SUMMARY_EVENT_TYPES,
  SALES_SUMMARY_TABLE_ENV,
} from '../../../functions/analytics/read-model/sales-summary.js';
import { serviceOf } from '../../../functions/kernel/events/catalogue.js';
import { eventBridgeSource } from '../../../functions/kernel/events/envelope.js';
import type { EventQueue } from '../../constructs/event-queue.js';
import { BACKGROUND_PROJECTOR_QUEUE, ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/analytics/handlers/${file}`, import.meta.url));

/**
 * The analytics bounded context: read side only (no event store). SalesSummary — sales per day, orders by
 * status, saga success rate — projected from the orders' and the sagas' events, CustomerSummary from the
 * users', and a query function.
 *
 * Both summaries are single items every event updates, so the projector is not invoked per event: the rules
 * send to a queue, and an event source mapping hands the projector up to 100 events at a time (gathered for
 * up to a second), at most two batches at once — the fewest SQS allows. One read and one conditional write
 * per item then apply a whole batch, and two writers seldom clash. An event it cannot apply is reported back,
 * received again, and after five receives waits in the dead-letter queue, which alarms.
 */
export class AnalyticsStack extends ServiceStack {
  /** Between the bus and the projector. */
  public readonly projectorQueue: EventQueue;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'analytics', eventSourced: false }, props);

    const salesSummary = this.addReadModel('SalesSummary', {
      partitionKey: 'id',
      environmentVariable: SALES_SUMMARY_TABLE_ENV,
    });

    const { fn: projector, queue } = this.addProjector('Projector', {
      entry: entry('projector.ts'),
      description: 'analytics: keeps SalesSummary and CustomerSummary from orders, saga and users events',
      // Few items per batch (a summary's counters, the orders' and sagas' facts): the biggest batches, gathered
      // for up to a second.
      queue: BACKGROUND_PROJECTOR_QUEUE,
    });
    this.projectorQueue = queue;
    this.grantReadModel(salesSummary, projector, 'write');
    // The events SalesSummary counts (it is commutative: no other version of those streams is needed).
    this.project('ProjectSales', queue, {
      source: [...new Set(SALES_SUMMARY_EVENT_TYPES.map((type) => eventBridgeSource(serviceOf(type)!)))],
      detailType: [...SALES_SUMMARY_EVENT_TYPES],
    });
    // Onboarding: sign-ups per day (CustomerSummary, in the same table).
    this.project('ProjectUsers', queue, { source: [eventBridgeSource(CUSTOMER_SUMMARY_SOURCE)] });

    const query = this.addFunction('Query', {
      entry: entry('query.ts'),
      description: 'analytics: reads SalesSummary',
    });
    this.grantReadModel(salesSummary, query, 'read');
  }
}
