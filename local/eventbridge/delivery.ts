import type { RetryPolicyConfig, TargetKind } from './config.js';
import type { EventBridgeEvent } from './event.js';

/** Where a target's input goes; the local cloud's core delivers it (Lambda async invoke, StartExecution, SendMessage). */
export interface DeliveryTarget {
  readonly id: string;
  readonly arn: string;
  readonly kind: TargetKind;
  readonly roleArn?: string;
  readonly sqsParameters?: { readonly MessageGroupId?: string };
}

export interface DeliveryMeta {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly eventBusName: string;
  readonly event: EventBridgeEvent;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The X-Ray trace header PutEvents carried, to continue the trace in the target. */
  readonly traceHeader?: string;
}

export interface SqsMessageAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

/**
 * Injected by the local cloud. `deliver` resolves once the target accepted the input and throws when it did not;
 * throw a `DeliveryError` to choose the error code or to skip retries (a missing resource, a missing permission).
 */
export interface TargetDispatcher {
  deliver(target: DeliveryTarget, input: string, meta: DeliveryMeta): Promise<void>;
  /** SendMessage to a dead-letter queue, with message attributes (SQS's shape). */
  sendToDeadLetterQueue(
    queueArn: string,
    body: string,
    attributes: Readonly<Record<string, SqsMessageAttribute>>,
  ): Promise<void>;
}

/** A delivery failure with EventBridge's error code, e.g. `NO_RESOURCE`, `NO_PERMISSIONS`, `THROTTLING`. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly errorCode: string,
    message: string,
    /** False for failures that retrying cannot fix: EventBridge sends those to the DLQ at once. */
    readonly retryable = true,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type DeliveryStatus = 'delivered' | 'retrying' | 'dead-lettered' | 'dropped' | 'dead-letter-failed';

/** One line of the delivery log the console and the tests read. */
export interface DeliveryRecord {
  readonly at: string;
  readonly status: DeliveryStatus;
  readonly eventId: string;
  readonly eventBusName: string;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly attempts: number;
  readonly input: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly exhaustedRetryCondition?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  readonly deadLetterArn?: string;
  readonly replayName?: string;
}

/**
 * Retry timing. AWS documents exponential backoff with jitter but not its constants; the defaults spread 185
 * attempts over roughly a day. `timeScale` shrinks every wait and makes event age run as fast (0.001: a simulated
 * second per real millisecond), so tests and game days see the retry policy play out in moments.
 */
export interface RetryTiming {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeScale?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface DeliveryJob {
  readonly target: DeliveryTarget;
  readonly input: string;
  readonly meta: Omit<DeliveryMeta, 'attempt'>;
  readonly retryPolicy?: RetryPolicyConfig;
  readonly deadLetterArn?: string;
  /** When EventBridge took the event (ms, the clock of `RetryTiming.now`), from which its age counts. */
  readonly acceptedAt: number;
}

const DEFAULT_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Runs one delivery to its end: delivered, or given up into the DLQ (or dropped without one). */
export class TargetDeliverer {
  private readonly aborter = new AbortController();
  private readonly base: number;
  private readonly cap: number;
  private readonly scale: number;
  private readonly random: () => number;
  readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly dispatcher: TargetDispatcher,
    private readonly record: (record: DeliveryRecord) => void,
    timing: RetryTiming = {},
  ) {
    this.base = timing.baseDelayMs ?? 1_000;
    this.cap = timing.maxDelayMs ?? 600_000;
    this.scale = timing.timeScale ?? 1;
    this.random = timing.random ?? Math.random;
    this.now = timing.now ?? Date.now;
    this.sleep = timing.sleep ?? defaultSleep;
  }

  close(): void {
    this.aborter.abort();
  }

  async run(job: DeliveryJob): Promise<void> {
    const maxRetries = Number(job.retryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRIES);
    const maxAgeMs = Number(job.retryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dispatcher.deliver(job.target, job.input, { ...job.meta, attempt });
        this.log(job, 'delivered', attempt);
        return;
      } catch (error) {
        const failure = describeFailure(error);
        if (this.aborter.signal.aborted) return;
        if (!failure.retryable) return this.giveUp(job, attempt, failure);
        if (attempt - 1 >= maxRetries) return this.giveUp(job, attempt, failure, 'MaximumRetryAttempts');
        const delay = this.backoff(attempt);
        const ageAfterWait = (this.now() - job.acceptedAt) / this.scale + delay;
        if (ageAfterWait > maxAgeMs) return this.giveUp(job, attempt, failure, 'MaximumEventAgeInSeconds');
        this.log(job, 'retrying', attempt, failure);
        await this.sleep(delay * this.scale, this.aborter.signal);
        if (this.aborter.signal.aborted) return;
      }
    }
  }

  /** Exponential backoff with "equal jitter": half the capped exponential step, plus a random other half. */
  private backoff(attempt: number): number {
    const step = Math.min(this.cap, this.base * 2 ** Math.min(attempt - 1, 30));
    return step / 2 + this.random() * (step / 2);
  }

  private async giveUp(
    job: DeliveryJob,
    attempts: number,
    failure: Failure,
    exhausted?: DeliveryRecord['exhaustedRetryCondition'],
  ): Promise<void> {
    if (!job.deadLetterArn) {
      this.log(job, 'dropped', attempts, failure, exhausted);
      return;
    }
    // AWS's DLQ message: the event as the body, what happened in message attributes.
    const attributes: Record<string, SqsMessageAttribute> = {
      RULE_ARN: text(job.meta.ruleArn),
      TARGET_ARN: text(job.target.arn),
      ERROR_CODE: text(failure.code),
      ERROR_MESSAGE: text(failure.message),
      RETRY_ATTEMPTS: text(String(attempts - 1)),
      ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: text(exhausted) } : {}),
    };
    try {
      await this.dispatcher.sendToDeadLetterQueue(
        job.deadLetterArn,
        JSON.stringify(job.meta.event),
        attributes,
      );
      this.log(job, 'dead-lettered', attempts, failure, exhausted);
    } catch (error) {
      this.log(job, 'dead-letter-failed', attempts, describeFailure(error), exhausted);
    }
  }

  private log(
    job: DeliveryJob,
    status: DeliveryStatus,
    attempts: number,
    failure?: Failure,
    exhausted?: DeliveryRecord['exhaustedRetryCondition'],
  ): void {
    const replayName = job.meta.event['replay-name'];
    this.record({
      at: new Date().toISOString(),
      status,
      eventId: job.meta.event.id,
      eventBusName: job.meta.eventBusName,
      ruleName: job.meta.ruleName,
      ruleArn: job.meta.ruleArn,
      targetId: job.target.id,
      targetArn: job.target.arn,
      attempts,
      input: job.input,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
      ...(exhausted ? { exhaustedRetryCondition: exhausted } : {}),
      ...(status === 'dead-lettered' || status === 'dead-letter-failed'
        ? { deadLetterArn: job.deadLetterArn }
        : {}),
      ...(replayName ? { replayName } : {}),
    });
  }
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

function describeFailure(error: unknown): Failure {
  if (error instanceof DeliveryError) {
    return { code: error.errorCode, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'SDK_CLIENT_ERROR', message, retryable: true };
}

const text = (value: string): SqsMessageAttribute => ({ DataType: 'String', StringValue: value });
