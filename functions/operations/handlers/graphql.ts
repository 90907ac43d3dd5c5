import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { field, graphqlHandler, noArgs } from '../../kernel/graphql/index.js';
import {
  type CircuitStateStore,
  circuitStoreFromEnvironment,
  listCircuits,
} from '../../kernel/resilience/index.js';
import { platformMetricsArgs, readPlatformMetrics } from '../platform-metrics.js';

/**
 * The operations source API's resolver: `circuitBreakers`, read from the circuit breaker table, and
 * `platformMetrics`, read through CloudWatch (admins and the API key only; a refusal is audited by the kit).
 */
let store: CircuitStateStore | undefined;
let cloudwatch: CloudWatchClient | undefined;

export const handler = graphqlHandler({
  service: 'operations',
  fields: {
    'Query.circuitBreakers': field(noArgs, async (_args, ctx) => {
      await ctx.requireAdmin('circuit-breakers');
      store ??= circuitStoreFromEnvironment({ capture: (c) => ctx.tools.captureClient(c) });
      return listCircuits(store);
    }),
    'Query.platformMetrics': field(platformMetricsArgs, async (args, ctx) => {
      await ctx.requireAdmin('platform-metrics');
      store ??= circuitStoreFromEnvironment({ capture: (c) => ctx.tools.captureClient(c) });
      cloudwatch ??= ctx.tools.captureClient(new CloudWatchClient({}));
      const open = (await listCircuits(store)).filter((circuit) => circuit.state === 'OPEN').length;
      return readPlatformMetrics(cloudwatch, {
        minutes: args.minutes ?? 60,
        now: ctx.tools.clock(),
        openCircuitBreakers: open,
      });
    }),
  },
});
