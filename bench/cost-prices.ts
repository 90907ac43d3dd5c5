/**
 * The price table the cost model multiplies usage by: data that goes stale, kept apart from the arithmetic so a
 * re-check touches one file. Import it through bench/cost-model.ts.
 */

/** `usd` per `per` `unit`s, e.g. $0.20 per 1,000,000 requests. */
export interface Price {
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly region: string;
  /** When the table was compiled. */
  readonly compiled: string;
  /** When someone last compared every line with the live price pages; null until someone has. */
  readonly lastVerifiedLive: string | null;
  readonly basis: string;
  readonly prices: Readonly<Record<PriceKey, Price>>;
}

export type PriceKey =
  | 'lambdaRequests'
  | 'lambdaDuration'
  | 'lambdaInitDuration'
  | 'sfnStateTransitions'
  | 'sfnExpressRequests'
  | 'sfnExpressDuration'
  | 'eventBridgeEvents'
  | 'eventBridgeDeliveries'
  | 'dynamoWrites'
  | 'dynamoReads'
  | 'dynamoStreamReads'
  | 'sqsRequests'
  | 'appsyncOperations'
  | 'appsyncRealtimeMessages'
  | 'appsyncConnectionMinutes'
  | 'logsIngestion'
  | 'xrayTracesRecorded'
  | 'xrayTracesRetrieved';

const M = 1_000_000;
const page = (service: string) => `https://aws.amazon.com/${service}/pricing/`;

/**
 * us-east-1, on-demand, first volume tier. Compiled on 2026-12-04 WITHOUT internet access: from AWS's public
 * price pages as the author knows them, cross-checked against stored copies of those pages and of AWS
 * announcements (Lambda INIT billing from 1 Aug 2025, DynamoDB on-demand −50% from 1 Nov 2024, tiered Lambda
 * logs from 1 May 2025). Re-check every line against `source` before quoting a number, then set
 * `lastVerifiedLive`.
 */
export const US_EAST_1: PriceTable = {
  region: 'us-east-1',
  compiled: '2026-12-04',
  lastVerifiedLive: null,
  basis:
    'AWS public price pages as known on 2026-12-04, not checked live (no internet from the build machine): ' +
    're-check every line against its source before relying on it',
  prices: {
    lambdaRequests: { usd: 0.2, per: M, unit: 'requests', source: page('lambda') },
    lambdaDuration: {
      usd: 0.0000133334,
      per: 1,
      unit: 'GB-s',
      source: page('lambda'),
      note: 'arm64, first 7.5 billion GB-s a month',
    },
    lambdaInitDuration: {
      usd: 0.0000133334,
      per: 1,
      unit: 'GB-s',
      source: 'https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/',
      note: 'INIT billed as duration since 1 Aug 2025 (on-demand, ZIP, managed runtimes)',
    },
    sfnStateTransitions: {
      usd: 0.025,
      per: 1_000,
      unit: 'state transitions',
      source: page('step-functions'),
    },
    sfnExpressRequests: { usd: 1.0, per: M, unit: 'requests', source: page('step-functions') },
    sfnExpressDuration: {
      usd: 0.00001667,
      per: 1,
      unit: 'GB-s',
      source: page('step-functions'),
      note: '$0.06 per GB-hour, first 1,000 GB-hours a month; 100 ms and 64 MB increments',
    },
    eventBridgeEvents: {
      usd: 1.0,
      per: M,
      unit: 'events (64 KB chunks)',
      source: page('eventbridge'),
      note: 'custom events published',
    },
    eventBridgeDeliveries: {
      usd: 0,
      per: M,
      unit: 'deliveries',
      source: page('eventbridge'),
      note: 'free to same-account targets ($1.00/M cross-account)',
    },
    dynamoWrites: {
      usd: 0.625,
      per: M,
      unit: 'write request units',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      note: 'on-demand, after the 1 Nov 2024 reduction',
    },
    dynamoReads: {
      usd: 0.125,
      per: M,
      unit: 'read request units',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      note: 'on-demand, after the 1 Nov 2024 reduction',
    },
    dynamoStreamReads: {
      usd: 0,
      per: M,
      unit: 'GetRecords calls',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      note: 'free for Lambda triggers ($0.02 per 100,000 read units for other readers)',
    },
    sqsRequests: { usd: 0.4, per: M, unit: 'requests', source: page('sqs'), note: 'standard queues' },
    appsyncOperations: { usd: 4.0, per: M, unit: 'queries + mutations', source: page('appsync') },
    appsyncRealtimeMessages: { usd: 2.0, per: M, unit: 'real-time updates', source: page('appsync') },
    appsyncConnectionMinutes: { usd: 0.08, per: M, unit: 'connection-minutes', source: page('appsync') },
    logsIngestion: {
      usd: 0.5,
      per: 1,
      unit: 'GB ingested',
      source: page('cloudwatch'),
      note: 'Standard class, first tier (Lambda logs tier down above 10 TB); GB = 2^30 bytes; storage not counted',
    },
    xrayTracesRecorded: { usd: 5.0, per: M, unit: 'traces recorded', source: page('xray') },
    xrayTracesRetrieved: { usd: 0.5, per: M, unit: 'traces retrieved or scanned', source: page('xray') },
  },
};
