/**
 * What a running local cloud offers its plugins and tools. It lives in the core, apart from `cloud.ts` (the
 * composition root that builds one), so that plugins and routes depend on this contract, not on the module
 * that imports them.
 */
import type { CloudModel } from '../assembly/model.js';
import type { ResourceReport } from '../assembly/resource-kinds.js';
import type { TableWrites } from '../dynamodb/table-writes.js';
import type { CreatedTable } from '../dynamodb/tables.js';
import type { LocalIdentities } from '../iam/identities.js';
import type { LambdaService } from '../lambda/lambda-service.js';
import type { Router } from '../server/router.js';
import type { SqsQueues } from '../sqs/queues.js';
import type { XRayCollector } from '../xray/collector.js';
import type { AwsJsonService } from './aws-service.js';
import type { LocalLogger } from './log.js';
import type { UsageMeter } from './usage.js';

export interface LocalCloud {
  /** The endpoint, e.g. `http://127.0.0.1:4566` (it listens on 127.0.0.1 only). */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** The assembly as deployed: resources, names, resolved properties, outputs. */
  readonly model: CloudModel;
  /** Who calls: each role's access key id (a function signs with its execution role's), the rest are root. */
  readonly iam: LocalIdentities;
  readonly router: Router;
  /** Lambda: `invoke()` implements `LambdaInvoker`. */
  readonly lambda: LambdaService;
  /** SQS, in process: `send`, `receive`, `get(nameOrUrlOrArn)`. */
  readonly sqs: SqsQueues;
  readonly xray: XRayCollector;
  /** Metered usage, as AWS would bill it (`GET /_local/usage`). */
  readonly usage: UsageMeter;
  readonly dynamodb: {
    readonly endpoint: string;
    readonly tables: readonly CreatedTable[];
    /** Announces the tables each write wrote (stream readers read at once instead of polling fast). */
    readonly writes: TableWrites;
  };
  readonly resources: ResourceReport;
  readonly logger: LocalLogger;
  /** Serves another JSON-protocol service (EventBridge, Step Functions...) on the endpoint. */
  registerService(service: AwsJsonService): void;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}
