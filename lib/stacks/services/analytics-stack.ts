import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/analytics/handlers/${file}`, import.meta.url));

/**
 * The analytics bounded context: read side only (no event store). SalesSummary — sales per day, orders by
 * status, saga success rate — projected from the orders' and the sagas' events, and a query function.
 */
export class AnalyticsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'analytics', eventSourced: false }, props);

    const salesSummary = this.addReadModel('SalesSummary', {
      partitionKey: 'id',
      environmentVariable: 'SALES_SUMMARY_TABLE',
    });

    const projector = this.addFunction('Projector', {
      entry: entry('projector.ts'),
      description: 'analytics: keeps SalesSummary and CustomerSummary from orders, saga and users events',
    });
    this.grantReadModel(salesSummary, projector, 'write');
    // Every event of those streams, counted or not: without a store to catch up from, the projector steps
    // over a stream version only when it sees it (e.g. SagaStepCompleted between SagaStarted and the outcome).
    this.subscribe('ProjectOrders', projector, { source: ['commerceforge.orders'] });
    this.subscribe('ProjectSagas', projector, { source: ['commerceforge.saga'] });
    // Onboarding: sign-ups per day (CustomerSummary, in the same table).
    this.subscribe('ProjectUsers', projector, { source: ['commerceforge.users'] });

    const query = this.addFunction('Query', {
      entry: entry('query.ts'),
      description: 'analytics: reads SalesSummary',
    });
    this.grantReadModel(salesSummary, query, 'read');
  }
}
