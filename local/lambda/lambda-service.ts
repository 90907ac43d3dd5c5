/**
 * Lambda, locally: Invoke (RequestResponse and Event) on the assembly's functions, each in its own pool of
 * worker-thread execution environments. Errors come back in Lambda's shape (`functionError: 'Unhandled'`,
 * `{errorType, errorMessage, trace}`); every invocation is recorded (cold start, init and run durations) and,
 * when sampled, reported to X-Ray as the function's segment.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { AwsError, type LambdaInvokeResult, type LambdaInvoker } from '../core/aws-service.js';
import type { LocalLogger } from '../core/log.js';
import { gbSeconds, type UsageMeter } from '../core/usage.js';
import type { SegmentDocument } from '../xray/collector.js';
import { formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader } from '../xray/trace-header.js';
import { ExecutionEnvironment, type LambdaErrorPayload } from './execution-environment.js';
import { codeOf, type LocalFunction, parseFunctionReference } from './functions.js';
import { InitGate } from './init-gate.js';
import { type InvocationInterceptor, type InvocationOutcome, intercept } from './interceptors.js';
import { Concurrency, FunctionPool } from './pool.js';
import { runtimeEnvironment } from './runtime-env.js';
import { routeAlias } from './versions.js';

export interface LambdaServiceOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly xrayDaemonAddress: string;
  /** Where functions' DynamoDB calls go (the data plane's thread). @default the endpoint */
  readonly dynamoDbEndpoint?: string;
  /**
   * The access key id a function signs its calls with (its execution role's), so the endpoint knows who calls.
   * @default - the shared local key, which the endpoint takes for the account's root
   */
  readonly accessKeyIdOf?: (fn: LocalFunction) => string | undefined;
  readonly recordSegment: (segment: SegmentDocument) => void;
  readonly log: LocalLogger;
  /**
   * Delivers an asynchronous invocation's record to its destination (an SQS queue, a function, a bus).
   * @default - records are dropped with a warning
   */
  readonly deliverDestination?: (arn: string, record: string) => Promise<void>;
  /** Wait before the first retry of a failed asynchronous invocation, doubled before the second. @default 1000 */
  readonly asyncRetryDelayMs?: number;
  /** X-Ray's sampling decision for an invocation that arrives without one. @default - every one is sampled */
  readonly sample?: (functionName: string) => boolean;
  /** Meters requests, GB-seconds and log bytes, as Lambda and CloudWatch Logs bill them. */
  readonly usage?: UsageMeter;
  /**
   * The nice value a function's environments run at (its scheduling tier, `schedulingTiers`), so under load
   * what a client waits on gets the cores first. @default 0 for every function
   */
  readonly niceOf?: (fn: LocalFunction) => number;
  /** At most this many environments of the function, when lower than the per-function share. @default the share */
  readonly maxEnvironmentsOf?: (fn: LocalFunction) => number | undefined;
  /**
   * The account's concurrency, shared by the functions without reserved concurrency (less what the others
   * reserve), as in AWS. @default 1000
   */
  readonly accountConcurrency?: number;
  /** Environments that may initialize at once, across all functions. @default the machine's cores */
  readonly initConcurrency?: number;
  /**
   * Execution environments alive at once, across all functions (a warm one holds ~17 MiB): beyond it, a
   * function that already has an environment frees another function's least recently used idle one, or
   * waits for its own; no function holds more than its share (`maxEnvironmentsPerFunction`). A function with
   * none may always start one. @default LOCAL_LAMBDA_MAX_ENVIRONMENTS, else 48
   */
  readonly maxEnvironments?: number;
  /**
   * The most environments one function keeps: one per core, at least 2, at most a quarter of the budget. More
   * run no faster on a saturated machine — each only adds an init — and every extra environment of a busy
   * function is one the budget takes from another, which then starts cold again. Measured on 2 cores, 100
   * orders at 16 (the same assembly, one after the other): 4 per function against 12 took 94 inits against
   * 127-142, and 20-22 s against 24-30 s, for a placeOrder ack p50 of 2.3 s against 1.0 s (p99 alike). Then
   * 2 against 4, 60 orders at 16, three pairs: 55-57 inits against 88-91, 540-612 ms of worker CPU per order
   * against 654-734, saga p50 4.1-4.8 s against 10-16 s.
   * @default LOCAL_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION, else as said
   */
  readonly maxEnvironmentsPerFunction?: number;
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
  /** The alias or version the caller named (Lambda's `Resource` dimension); absent for `$LATEST`. */
  readonly qualifier?: string;
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

/** A line a function printed, with where Lambda would file it (CloudWatch Logs reads these). */
export interface FunctionOutputLine {
  readonly functionName: string;
  readonly logStreamName: string;
  readonly line: string;
  /** Epoch ms. */
  readonly at: number;
}

export class LambdaService implements LambdaInvoker {
  /** By function name and code (see `pool`). */
  private readonly pools = new Map<string, FunctionPool>();
  private readonly reserved = new Map<string, Concurrency>();
  private readonly records: InvocationRecord[] = [];
  private readonly reaper: NodeJS.Timeout;
  private readonly pendingEvents = new Set<Promise<unknown>>();
  private readonly outputListeners: Array<(output: FunctionOutputLine) => void> = [];
  private readonly interceptors: InvocationInterceptor[] = [];
  private readonly gate: InitGate;
  private readonly maxEnvironments: number;
  private readonly maxPerFunction: number;
  private stopped = false;
  private readonly account: Concurrency;

  constructor(
    readonly functions: readonly LocalFunction[],
    private readonly options: LambdaServiceOptions,
  ) {
    this.gate = new InitGate(options.initConcurrency);
    this.maxEnvironments =
      options.maxEnvironments ?? (Number(process.env.LOCAL_LAMBDA_MAX_ENVIRONMENTS) || 48);
    this.maxPerFunction =
      options.maxEnvironmentsPerFunction ??
      (Number(process.env.LOCAL_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION) ||
        Math.max(2, Math.min(availableParallelism(), Math.floor(this.maxEnvironments / 4))));
    const reserved = functions.reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0);
    this.account = new Concurrency(Math.max(1, (options.accountConcurrency ?? 1000) - reserved), 'account');
    const idle = options.idleTimeoutMs ?? 600_000;
    this.reaper = setInterval(() => {
      for (const pool of this.pools.values()) void pool.reap(idle);
    }, 60_000);
    this.reaper.unref();
  }

  /**
   * The function and version a reference (name, ARN, `name:alias`, `Qualifier`) points at: an alias's primary
   * version, or with `route` the version this invocation runs (an alias with weights picks one per call).
   */
  find(
    reference: string,
    qualifier?: string,
    options: { readonly route?: boolean } = {},
  ): { fn: LocalFunction; version: string } {
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
    if (aliased) return { fn, version: options.route ? routeAlias(fn, wanted) : aliased };
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
    const { fn, version } = this.find(reference, options.qualifier, { route: true });
    let event: unknown;
    try {
      event = payloadText.trim() === '' ? {} : JSON.parse(payloadText);
    } catch {
      throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    const requestId = randomUUID();
    if (options.invocationType === 'Event') {
      const qualifier = options.qualifier ?? parseFunctionReference(reference).qualifier ?? '$LATEST';
      const run = this.runAsync(fn, qualifier, version, event, requestId, options.traceHeader).catch(
        (error) =>
          this.options.log.warn(`[${fn.name}] asynchronous invocation ${requestId} failed: ${String(error)}`),
      );
      this.pendingEvents.add(run);
      void run.finally(() => this.pendingEvents.delete(run));
      return { statusCode: 202, payloadText: '', executedVersion: version, requestId };
    }
    return this.run(
      fn,
      version,
      event,
      requestId,
      'RequestResponse',
      options.traceHeader,
      options.qualifier ?? parseFunctionReference(reference).qualifier,
    );
  }

  /**
   * An asynchronous invocation as Lambda runs it: a function error is retried (the EventInvokeConfig's
   * MaximumRetryAttempts, 2 by default), then the event goes to the on-failure destination with Lambda's
   * record (`requestContext.condition: RetriesExhausted`, the request and response payloads). Lambda waits
   * 1 min and then 2 min between attempts; locally `asyncRetryDelayMs` (1 s) and twice that. An event older
   * than MaximumEventAgeInSeconds (6 h by default) when an attempt is due is not run: it goes to the
   * on-failure destination as `EventAgeExceeded`. Its age counts each wait as the wait Lambda would have made
   * (1 min, 2 min), the attempts at their real duration, so an age set against Lambda's schedule decides the
   * same here.
   */
  private async runAsync(
    fn: LocalFunction,
    qualifier: string,
    version: string,
    event: unknown,
    requestId: string,
    traceHeader: string | undefined,
  ): Promise<void> {
    const config = fn.asyncConfigs.get(qualifier);
    const retries = config?.maximumRetryAttempts ?? 2;
    const delayMs =
      this.options.asyncRetryDelayMs ?? (Number(process.env.LOCAL_LAMBDA_ASYNC_RETRY_DELAY_MS) || 1_000);
    const maxAgeMs = (config?.maximumEventAgeSeconds ?? 21_600) * 1000;
    const queuedAt = Date.now();
    let lambdaWaitsMs = 0;
    let localWaitsMs = 0;
    let result: RawResult | undefined;
    let attempts = 0;
    let expired = false;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
        localWaitsMs += delayMs * attempt;
        lambdaWaitsMs += 60_000 * attempt;
      }
      if (this.stopped) return;
      if (Date.now() - queuedAt - localWaitsMs + lambdaWaitsMs > maxAgeMs) {
        expired = true;
        break;
      }
      attempts += 1;
      result = await this.run(fn, version, event, requestId, 'Event', traceHeader, qualifier);
      if (!result.functionError) break;
    }
    const failed = expired || Boolean(result?.functionError);
    const destination = failed ? config?.onFailure : config?.onSuccess;
    if (!destination) {
      if (failed) {
        this.options.log.warn(
          `[${fn.name}] asynchronous invocation ${requestId} ${expired ? 'passed its maximum event age' : 'failed'} after ${attempts} attempt(s) and has no on-failure destination: the event is dropped`,
        );
      }
      return;
    }
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId,
        functionArn: `${fn.arn}:${qualifier}`,
        condition: expired ? 'EventAgeExceeded' : failed ? 'RetriesExhausted' : 'Success',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      ...(result
        ? {
            responseContext: {
              statusCode: result.statusCode,
              executedVersion: result.executedVersion,
              ...(result.functionError ? { functionError: result.functionError } : {}),
            },
            responsePayload: result.payloadText === '' ? null : JSON.parse(result.payloadText),
          }
        : {}),
    };
    try {
      await this.options.deliverDestination?.(destination, JSON.stringify(record));
    } catch (error) {
      this.options.log.warn(`[${fn.name}] destination ${destination} refused the record: ${String(error)}`);
    }
  }

  /** The most recent invocations, newest last. */
  invocations(functionName?: string): InvocationRecord[] {
    return functionName
      ? this.records.filter((record) => record.functionName === functionName)
      : [...this.records];
  }

  /** Per function, over the pools of all its versions' code. */
  poolStats(): Record<string, { environments: number; busy: number; queued: number; inits: number }> {
    const stats: Record<string, { environments: number; busy: number; queued: number; inits: number }> = {};
    for (const [key, pool] of this.pools) {
      const name = key.split('\0')[0]!;
      const total = stats[name] ?? { environments: 0, busy: 0, queued: 0, inits: 0 };
      stats[name] = total;
      total.environments += pool.size;
      total.busy += pool.inUse;
      total.queued += pool.queued;
      total.inits += pool.inits;
    }
    return stats;
  }

  /** Execution environments started so far (each one an init, a cold start). */
  get initCount(): number {
    return [...this.pools.values()].reduce((sum, pool) => sum + pool.inits, 0);
  }

  /** Takes part in every invocation from now on (local/lambda/interceptors.ts); returns how to leave. */
  addInterceptor(interceptor: InvocationInterceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const index = this.interceptors.indexOf(interceptor);
      if (index >= 0) this.interceptors.splice(index, 1);
    };
  }

  /** Calls `listener` with every line a function prints (CloudWatch Logs, EMF metrics). Keep it cheap. */
  onOutput(listener: (output: FunctionOutputLine) => void): void {
    this.outputListeners.push(listener);
  }

  /**
   * Starts each function's first environment in the background, behind any invocation's init: the first
   * request to a function then finds it warm.
   */
  warmAll(): void {
    for (const fn of this.functions) this.pool(fn).warm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
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
    qualifier?: string,
  ): Promise<RawResult> {
    // Taken once: `$LATEST`'s code may be replaced (watch mode) while this invocation runs.
    const pool = this.pool(fn, version);
    const lease = await pool.acquire(invocationType === 'Event' ? 'wait' : 'throttle');
    const { environment } = lease;
    const startedAt = Date.now();
    let runStarted = performance.now();
    const incoming = parseTraceHeader(traceHeader);
    // Active tracing decides by the sampling rules when the caller did not; PassThrough follows the caller.
    const sampled =
      incoming?.sampled ?? (fn.tracing === 'Active' && (this.options.sample?.(fn.name) ?? true));
    const trace = { root: incoming?.root ?? newTraceId(startedAt), segmentId: newSegmentId() };
    let initDurationMs: number | undefined;
    let outcome: InvocationOutcome;
    try {
      if (lease.cold) initDurationMs = Math.round((await environment.ready) * 100) / 100;
      const invokedFunctionArn = version === '$LATEST' ? fn.arn : `${fn.arn}:${version}`;
      runStarted = performance.now();
      // An injected delay holds the environment, as in Lambda, but uses none of this machine's CPU.
      const interception = this.interceptors.length
        ? await intercept(this.interceptors, {
            fn,
            version,
            requestId,
            invocationType,
            waitIdle: (wait) => pool.sleepWhile(wait),
          })
        : undefined;
      const runStart = Date.now();
      // An interceptor's wait (an injected delay) is part of the invocation, as an extension's is.
      const timeoutMs = Math.max(1, fn.timeoutSeconds * 1000 - (performance.now() - runStarted));
      outcome =
        interception?.answer ??
        (await environment.invoke({
          requestId,
          event,
          timeoutMs,
          traceId: formatTraceHeader({ root: trace.root, parent: trace.segmentId, sampled }),
          context: {
            awsRequestId: requestId,
            functionName: fn.name,
            functionVersion: version,
            invokedFunctionArn,
            memoryLimitInMB: String(fn.memoryMb),
            logGroupName: `/aws/lambda/${fn.name}`,
            logStreamName: environment.logStreamName,
            deadline: runStart + timeoutMs,
          },
        }));
      if (interception?.replace) outcome = interception.replace(outcome);
    } catch (initError) {
      outcome = { ok: false, error: initError as LambdaErrorPayload };
    } finally {
      // Taken before the release: the next lease's work must not be counted here.
      this.options.usage?.add('lambda.cpuMs', environment.takeCpuMs(), fn.name);
      pool.release(environment);
    }
    const durationMs = Math.round((performance.now() - runStarted) * 100) / 100;
    const error = outcome.ok ? undefined : outcome.error;
    this.options.usage?.add('lambda.invocations', 1, fn.name);
    this.options.usage?.add('lambda.gbSeconds', gbSeconds(durationMs, fn.memoryMb));
    if (initDurationMs !== undefined) {
      this.options.usage?.add('lambda.initGbSeconds', gbSeconds(initDurationMs, fn.memoryMb));
    }
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
      ...(qualifier && qualifier !== '$LATEST' ? { qualifier } : {}),
    });
    this.output(
      fn.name,
      environment.logStreamName,
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

  /** The pool of the code `version` runs: one per function and code (versions of the same code share it). */
  private pool(fn: LocalFunction, version = '$LATEST'): FunctionPool {
    const code = codeOf(fn, version);
    const key = [fn.name, code.assetDir, ...(code.layerDirs ?? [])].join('\0');
    let pool = this.pools.get(key);
    if (!pool) {
      let concurrency = this.account;
      if (fn.reservedConcurrency !== undefined) {
        // Reserved concurrency is the function's, whichever versions run.
        concurrency = this.reserved.get(fn.name) ?? new Concurrency(fn.reservedConcurrency, 'reserved');
        this.reserved.set(fn.name, concurrency);
      }
      const cap = Math.min(this.maxPerFunction, this.options.maxEnvironmentsOf?.(fn) ?? this.maxPerFunction);
      pool = new FunctionPool({
        functionName: fn.name,
        concurrency,
        gate: this.gate,
        makeRoom: (environments) => this.makeRoom(environments, cap),
        create: () => {
          const stream = logStreamName();
          return new ExecutionEnvironment({
            functionName: fn.name,
            assetDir: code.assetDir,
            handler: fn.handler,
            memoryMb: fn.memoryMb,
            nice: this.options.niceOf?.(fn) ?? 0,
            logStreamName: stream,
            env: runtimeEnvironment(
              { ...fn, ...code },
              {
                ...this.options,
                logStreamName: stream,
                accessKeyId: this.options.accessKeyIdOf?.(fn),
              },
            ),
            onOutput: (line) => this.output(fn.name, stream, line),
          });
        },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Room for one more environment of a function that has `environments` already: under its share (so one
   * flooded function cannot take every environment and make the others churn), and
   * under the budget, ending the least recently used idle environment if need be.
   */
  private makeRoom(environments: number, cap = this.maxPerFunction): boolean {
    if (environments >= cap) return false;
    const pools = [...this.pools.values()];
    if (pools.reduce((sum, pool) => sum + pool.awake, 0) < this.maxEnvironments) return true;
    let oldest: FunctionPool | undefined;
    for (const pool of pools) {
      const use = pool.oldestIdleUse;
      if (use !== undefined && (oldest?.oldestIdleUse === undefined || use < oldest.oldestIdleUse))
        oldest = pool;
    }
    return oldest?.evictOldestIdle() ?? false;
  }

  /** A line of the function's log stream: shown, and metered as CloudWatch Logs ingests it. */
  private output(functionName: string, logStreamName: string, line: string): void {
    this.options.usage?.add('logs.bytes', Buffer.byteLength(line) + 1);
    this.options.log.output(functionName, line);
    if (this.outputListeners.length === 0) return;
    const output = { functionName, logStreamName, line, at: Date.now() };
    for (const listener of this.outputListeners) listener(output);
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
