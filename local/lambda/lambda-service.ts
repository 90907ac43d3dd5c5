/**
 * Lambda, locally: Invoke (RequestResponse and Event) on the assembly's functions, each in its own pool of
 * worker-thread execution environments. Errors come back in Lambda's shape (`functionError: 'Unhandled'`,
 * `{errorType, errorMessage, trace}`); every invocation is recorded (cold start, init and run durations) and,
 * when sampled, reported to X-Ray as the function's segment.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, type LambdaInvokeResult, type LambdaInvoker } from '../core/aws-service.js';
import type { LocalLogger } from '../core/log.js';
import type { SegmentDocument } from '../xray/collector.js';
import { formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader } from '../xray/trace-header.js';
import { ExecutionEnvironment, type LambdaErrorPayload } from './execution-environment.js';
import { type LocalFunction, parseFunctionReference } from './functions.js';
import { FunctionPool } from './pool.js';
import { runtimeEnvironment } from './runtime-env.js';

export interface LambdaServiceOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly xrayDaemonAddress: string;
  readonly recordSegment: (segment: SegmentDocument) => void;
  readonly log: LocalLogger;
  /** Concurrency of a function without reserved concurrency (the machine is small). @default 10 */
  readonly defaultConcurrency?: number;
  /** Idle environments are ended after this long. @default 600_000 */
  readonly idleTimeoutMs?: number;
}

export interface InvocationRecord {
  readonly requestId: string;
  readonly functionName: string;
  readonly executedVersion: string;
  readonly invocationType: 'RequestResponse' | 'Event';
  /** Epoch seconds, as AWS's JSON APIs give timestamps. */
  readonly startedAt: number;
  /** The handler's run time, without the init phase (as Lambda's REPORT line). */
  readonly durationMs: number;
  readonly coldStart: boolean;
  readonly initDurationMs?: number;
  readonly error?: LambdaErrorPayload;
  readonly traceId?: string;
}

export interface InvokeOptions {
  readonly invocationType?: 'RequestResponse' | 'Event';
  readonly traceHeader?: string;
}

interface RawResult {
  readonly statusCode: number;
  readonly payloadText: string;
  readonly functionError?: 'Unhandled';
  readonly executedVersion: string;
  readonly requestId: string;
}

const MAX_RECORDS = 1_000;

export class LambdaService implements LambdaInvoker {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly records: InvocationRecord[] = [];
  private readonly reaper: NodeJS.Timeout;
  private readonly pendingEvents = new Set<Promise<unknown>>();

  constructor(
    readonly functions: readonly LocalFunction[],
    private readonly options: LambdaServiceOptions,
  ) {
    const idle = options.idleTimeoutMs ?? 600_000;
    this.reaper = setInterval(() => {
      for (const pool of this.pools.values()) void pool.reap(idle);
    }, 60_000);
    this.reaper.unref();
  }

  /** The function and version a reference (name, ARN, `name:alias`, `Qualifier`) points at. */
  find(reference: string, qualifier?: string): { fn: LocalFunction; version: string } {
    const parsed = parseFunctionReference(reference);
    const fn = this.functions.find((candidate) => candidate.name === parsed.name);
    const wanted = qualifier ?? parsed.qualifier;
    const missing = () =>
      new AwsError(
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${parsed.name}${wanted ? `:${wanted}` : ''}`,
        404,
      );
    if (!fn) throw missing();
    if (!wanted || wanted === '$LATEST') return { fn, version: '$LATEST' };
    if (fn.versions.has(wanted)) return { fn, version: wanted };
    const aliased = fn.aliases.get(wanted);
    if (aliased) return { fn, version: aliased };
    throw missing();
  }

  async invoke(
    reference: string,
    payload: unknown,
    options: InvokeOptions = {},
  ): Promise<LambdaInvokeResult> {
    const raw = await this.invokeRaw(reference, JSON.stringify(payload ?? {}), options);
    return {
      statusCode: raw.statusCode,
      payload: raw.payloadText === '' ? undefined : JSON.parse(raw.payloadText),
      executedVersion: raw.executedVersion,
      ...(raw.functionError ? { functionError: raw.functionError } : {}),
    };
  }

  /** Invoke with the payload as JSON text, as the HTTP API carries it. */
  async invokeRaw(
    reference: string,
    payloadText: string,
    options: InvokeOptions & { qualifier?: string } = {},
  ): Promise<RawResult> {
    const { fn, version } = this.find(reference, options.qualifier);
    let event: unknown;
    try {
      event = payloadText.trim() === '' ? {} : JSON.parse(payloadText);
    } catch {
      throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    const requestId = randomUUID();
    if (options.invocationType === 'Event') {
      const run = this.run(fn, version, event, requestId, 'Event', options.traceHeader).catch((error) =>
        this.options.log.warn(`[${fn.name}] asynchronous invocation ${requestId} failed: ${String(error)}`),
      );
      this.pendingEvents.add(run);
      void run.finally(() => this.pendingEvents.delete(run));
      return { statusCode: 202, payloadText: '', executedVersion: version, requestId };
    }
    return this.run(fn, version, event, requestId, 'RequestResponse', options.traceHeader);
  }

  /** The most recent invocations, newest last. */
  invocations(functionName?: string): InvocationRecord[] {
    return functionName
      ? this.records.filter((record) => record.functionName === functionName)
      : [...this.records];
  }

  poolStats(): Record<string, { environments: number; busy: number }> {
    return Object.fromEntries(
      [...this.pools.entries()].map(([name, pool]) => [name, { environments: pool.size, busy: pool.inUse }]),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.reaper);
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  private async run(
    fn: LocalFunction,
    version: string,
    event: unknown,
    requestId: string,
    invocationType: 'RequestResponse' | 'Event',
    traceHeader: string | undefined,
  ): Promise<RawResult> {
    const lease = await this.pool(fn).acquire(invocationType === 'Event' ? 'wait' : 'throttle');
    const { environment } = lease;
    const startedAt = Date.now();
    let runStarted = performance.now();
    const incoming = parseTraceHeader(traceHeader);
    const sampled = incoming?.sampled ?? fn.tracing === 'Active';
    const trace = { root: incoming?.root ?? newTraceId(startedAt), segmentId: newSegmentId() };
    let initDurationMs: number | undefined;
    let outcome: Awaited<ReturnType<ExecutionEnvironment['invoke']>>;
    try {
      if (lease.cold) initDurationMs = Math.round((await environment.ready) * 100) / 100;
      const invokedFunctionArn = version === '$LATEST' ? fn.arn : `${fn.arn}:${version}`;
      runStarted = performance.now();
      const runStart = Date.now();
      outcome = await environment.invoke({
        requestId,
        event,
        timeoutMs: fn.timeoutSeconds * 1000,
        traceId: formatTraceHeader({ root: trace.root, parent: trace.segmentId, sampled }),
        context: {
          awsRequestId: requestId,
          functionName: fn.name,
          functionVersion: version,
          invokedFunctionArn,
          memoryLimitInMB: String(fn.memoryMb),
          logGroupName: `/aws/lambda/${fn.name}`,
          logStreamName: environment.logStreamName,
          deadline: runStart + fn.timeoutSeconds * 1000,
        },
      });
    } catch (initError) {
      outcome = { ok: false, error: initError as LambdaErrorPayload, fatal: true };
    } finally {
      this.pool(fn).release(environment);
    }
    const durationMs = Math.round((performance.now() - runStarted) * 100) / 100;
    const error = outcome.ok ? undefined : outcome.error;
    this.remember({
      requestId,
      functionName: fn.name,
      executedVersion: version,
      invocationType,
      startedAt: startedAt / 1000,
      durationMs,
      coldStart: lease.cold,
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      ...(error ? { error } : {}),
      ...(sampled ? { traceId: trace.root } : {}),
    });
    this.options.log.output(
      fn.name,
      `REPORT RequestId: ${requestId} Duration: ${durationMs.toFixed(2)} ms Memory Size: ${fn.memoryMb} MB` +
        (initDurationMs !== undefined ? ` Init Duration: ${initDurationMs.toFixed(2)} ms` : '') +
        (error ? ` Error: ${error.errorType}` : ''),
    );
    if (sampled) {
      this.options.recordSegment({
        id: trace.segmentId,
        trace_id: trace.root,
        name: fn.name,
        origin: 'AWS::Lambda::Function',
        start_time: startedAt / 1000,
        end_time: Date.now() / 1000,
        ...(incoming?.parent ? { parent_id: incoming.parent } : {}),
        ...(error
          ? { fault: true, cause: { exceptions: [{ type: error.errorType, message: error.errorMessage }] } }
          : {}),
        aws: { function_arn: fn.arn, request_id: requestId, cold_start: lease.cold },
      });
    }
    return outcome.ok
      ? { statusCode: 200, payloadText: outcome.payload, executedVersion: version, requestId }
      : {
          statusCode: 200,
          payloadText: JSON.stringify(outcome.error),
          functionError: 'Unhandled',
          executedVersion: version,
          requestId,
        };
  }

  private pool(fn: LocalFunction): FunctionPool {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      const limit = fn.reservedConcurrency ?? this.options.defaultConcurrency ?? 10;
      pool = new FunctionPool(fn.name, limit, () => {
        const stream = logStreamName();
        return new ExecutionEnvironment({
          functionName: fn.name,
          assetDir: fn.assetDir,
          handler: fn.handler,
          memoryMb: fn.memoryMb,
          logStreamName: stream,
          env: runtimeEnvironment(fn, { ...this.options, logStreamName: stream }),
          onOutput: (line) => this.options.log.output(fn.name, line),
        });
      });
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  private remember(record: InvocationRecord): void {
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.shift();
  }
}

function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
