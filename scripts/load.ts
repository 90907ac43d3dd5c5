/**
 * `npm run test:load -- [--orders N] [--concurrency C] [--skus S] [--endpoint URL]`: a load run against a
 * running local cloud (`npm start`), with the invariants of bench/load.ts. Exits 1 when an invariant fails.
 */
import { parseArgs } from 'node:util';
import { runLoad, violations } from '../bench/load.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    skus: { type: 'string', default: '8' },
    endpoint: { type: 'string', default: process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566' },
    json: { type: 'boolean', default: false },
  },
});

const endpoint = values.endpoint.replace(/\/$/, '');
const report = await runLoad({
  graphqlUrl: `${endpoint}/graphql`,
  awsEndpoint: endpoint,
  apiKey: process.env.LOCAL_API_KEY ?? 'local-dev-key',
  orders: Number(values.orders),
  concurrency: Number(values.concurrency),
  skus: Number(values.skus),
  log: (line) => console.error(line),
});
const { outcomes, ...summary } = report;
console.log(JSON.stringify(summary, null, 2));
const found = violations(report);
for (const line of found) console.error(`FAIL ${line}`);
process.exit(found.length > 0 ? 1 : 0);
