/**
 * The functions' DynamoDB endpoint, on a thread of its own (see data-plane.ts): an HTTP server that forwards to
 * DynamoDB Local through the same proxy as the cloud's endpoint (ARNs translated, capacity metered, writes
 * announced), and reports writes and metered units to the cloud's thread in batches.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { UsageMeterName } from '../core/usage.js';
import { errorResponse, readRequest } from '../server/router.js';
import { dynamoDbProxy } from './proxy.js';

const { dynamoDbEndpoint } = workerData as { dynamoDbEndpoint: string };

let writes: string[] = [];
/** Metered units by meter and table ('' when the answer named none). */
let units: Partial<Record<UsageMeterName, Record<string, number>>> = {};
let scheduled = false;
function report(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    parentPort?.postMessage({ type: 'report', writes, units });
    writes = [];
    units = {};
  });
}

const proxy = dynamoDbProxy(dynamoDbEndpoint, {
  onWrite: (tableNames) => {
    writes.push(...tableNames);
    report();
  },
  usage: {
    add(name: UsageMeterName, amount = 1, resource = '') {
      const shares = units[name] ?? {};
      units[name] = shares;
      shares[resource] = (shares[resource] ?? 0) + amount;
      report();
    },
  } as never,
});

const server = http.createServer(async (req, res) => {
  let response: { status: number; headers?: Record<string, string>; body?: string | Buffer };
  try {
    response = await proxy(await readRequest(req), String(req.headers['x-amz-target'] ?? ''));
  } catch (error) {
    response = errorResponse(error, 'application/x-amz-json-1.0');
  }
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? '');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  parentPort?.postMessage({
    type: 'listening',
    port: typeof address === 'object' && address ? address.port : 0,
  });
});
parentPort?.on('message', (message: { type: string }) => {
  if (message.type === 'stop') server.close(() => process.exit(0));
});
