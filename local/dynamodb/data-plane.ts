/**
 * The functions' DynamoDB data plane, off the cloud's main thread. Every DynamoDB call of every function used
 * to pass through the one endpoint's event loop, which also runs Step Functions, EventBridge, AppSync and the
 * workers' messaging: under load it was the bottleneck (measured: a main thread at 100% of a core while the
 * workers waited on it). Functions get `AWS_ENDPOINT_URL_DYNAMODB` pointing at this thread's own port — the
 * SDK's per-service endpoint setting — and the same proxy serves them there; outside callers (the AWS CLI, SDKs
 * on the host) keep the one endpoint. Writes are still announced to the stream readers, and capacity still
 * metered, in batches across threads.
 */
import { Worker } from 'node:worker_threads';
import type { UsageMeter, UsageMeterName } from '../core/usage.js';
import type { TableWrites } from './table-writes.js';

export interface DynamoDbDataPlane {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startDynamoDbDataPlane(options: {
  readonly dynamoDbEndpoint: string;
  readonly writes: TableWrites;
  readonly usage: UsageMeter;
}): Promise<DynamoDbDataPlane> {
  const worker = new Worker(new URL('./data-plane-worker.mjs', import.meta.url), {
    workerData: { dynamoDbEndpoint: options.dynamoDbEndpoint },
    execArgv: [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { type: string; port?: number; writes?: string[]; units?: object }) => {
      if (message.type === 'listening') resolve(message.port ?? 0);
      else if (message.type === 'report') {
        if (message.writes?.length) options.writes.emit([...new Set(message.writes)]);
        for (const [name, shares] of Object.entries(message.units ?? {})) {
          for (const [table, amount] of Object.entries(shares as Record<string, number>)) {
            options.usage.add(name as UsageMeterName, amount, table === '' ? undefined : table);
          }
        }
      }
    });
  });
  worker.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await worker.terminate();
    },
  };
}
