import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { withObservability } from '../observability.js';
import { type EventPublisher, publisherFromEnvironment } from '../publisher.js';
import { type RelayResult, relayRecords } from './relay.js';

/**
 * The Lambda entry of the outbox relay (deployed by the EventStore construct, one per service): a DynamoDB
 * stream batch in, PutEvents out, batch item failures back to the event source mapping.
 */
let publisher: EventPublisher | undefined;

export const handler = withObservability<DynamoDBStreamEvent, RelayResult>(
  { service: process.env.POWERTOOLS_SERVICE_NAME ?? 'relay' },
  async (event, _context, tools) => {
    publisher ??= publisherFromEnvironment({ capture: (client) => tools.captureClient(client) });
    const report = await relayRecords(event.Records ?? [], publisher);
    tools.metrics.addMetric('EventsRelayed', MetricUnit.Count, report.published);
    if (report.failures.length > 0) {
      tools.metrics.addMetric('EventsNotRelayed', MetricUnit.Count, report.failures.length);
      tools.logger.warn('events not relayed; the stream will redeliver them', { failures: report.failures });
    }
    tools.logger.info('relayed', { published: report.published, skipped: report.skipped });
    return { batchItemFailures: report.batchItemFailures };
  },
);
