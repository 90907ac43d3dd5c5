/**
 * One SQS queue in memory: delays, visibility timeouts, long polling, receive counts and the redrive of a
 * message to the dead-letter queue once it has been received `maxReceiveCount` times; FIFO queues keep a
 * message group in order and drop duplicates within five minutes.
 */
import { randomUUID } from 'node:crypto';
import { type MessageAttributeValue, md5Hex, md5OfMessageAttributes } from './md5.js';

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly sentAt: number;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
  /** The ARN of the queue a redriven message came from. */
  deadLetterSourceArn?: string;
}

export interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly groupId?: string;
  readonly deduplicationId?: string;
}

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

const DEDUPLICATION_WINDOW_MS = 5 * 60_000;

export class LocalQueue {
  readonly messages: QueueMessage[] = [];
  readonly attributes: Record<string, string>;
  readonly createdAt = Date.now();
  private readonly waiters = new Set<() => void>();
  private readonly deduplication = new Map<string, { at: number; message: QueueMessage }>();
  private sequence = 0;
  lastModified = this.createdAt;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    attributes: Record<string, string>,
    /** Finds the dead-letter queue named by the redrive policy. */
    private readonly lookup: (arn: string) => LocalQueue | undefined,
  ) {
    this.attributes = {
      VisibilityTimeout: '30',
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      ...attributes,
      ...(name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}),
    };
  }

  get fifo(): boolean {
    return this.attributes.FifoQueue === 'true';
  }

  get redrivePolicy(): RedrivePolicy | undefined {
    const raw = this.attributes.RedrivePolicy;
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    return {
      deadLetterTargetArn: parsed.deadLetterTargetArn,
      maxReceiveCount: Number(parsed.maxReceiveCount),
    };
  }

  send(input: SendInput): QueueMessage {
    const now = Date.now();
    const dedupId =
      this.fifo &&
      (input.deduplicationId ??
        (this.attributes.ContentBasedDeduplication === 'true' ? md5Hex(input.body) : undefined));
    if (dedupId) {
      const seen = this.deduplication.get(dedupId);
      if (seen && now - seen.at < DEDUPLICATION_WINDOW_MS) return seen.message;
    }
    const attributes = input.messageAttributes ?? {};
    const hasAttributes = Object.keys(attributes).length > 0;
    const delay = this.fifo
      ? Number(this.attributes.DelaySeconds)
      : (input.delaySeconds ?? Number(this.attributes.DelaySeconds));
    const message: QueueMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: attributes,
      ...(hasAttributes ? { md5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
      sentAt: now,
      ...(input.groupId ? { groupId: input.groupId } : {}),
      ...(dedupId ? { deduplicationId: dedupId } : {}),
      ...(this.fifo ? { sequenceNumber: String(++this.sequence).padStart(20, '0') } : {}),
      receiveCount: 0,
      visibleAt: now + delay * 1000,
    };
    if (dedupId) this.deduplication.set(dedupId, { at: now, message });
    this.enqueue(message);
    return message;
  }

  /** Takes a message another queue redrove here; it keeps its id, body and attributes. */
  enqueue(message: QueueMessage): void {
    this.messages.push(message);
    this.notify();
  }

  /**
   * Receives up to `max` messages, waiting up to `waitSeconds` for one to become visible (long polling); an
   * aborted `signal` ends the wait with what there is (nothing).
   */
  async receive(
    max: number,
    visibilitySeconds?: number,
    waitSeconds?: number,
    signal?: AbortSignal,
  ): Promise<QueueMessage[]> {
    const wait = waitSeconds ?? Number(this.attributes.ReceiveMessageWaitTimeSeconds);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const received = this.take(max, visibilitySeconds ?? Number(this.attributes.VisibilityTimeout));
      const remaining = deadline - Date.now();
      if (received.length > 0 || remaining <= 0 || signal?.aborted) return received;
      await this.sleepUntilChange(Math.min(remaining, this.nextVisibleIn()), signal);
    }
  }

  delete(receiptHandle: string): boolean {
    const index = this.messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index < 0) return false;
    this.messages.splice(index, 1);
    this.notify();
    return true;
  }

  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message) return false;
    message.visibleAt = Date.now() + seconds * 1000;
    this.notify();
    return true;
  }

  purge(): void {
    this.messages.length = 0;
  }

  counts(now = Date.now()): { visible: number; inFlight: number; delayed: number } {
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  private take(max: number, visibilitySeconds: number): QueueMessage[] {
    const now = Date.now();
    this.expire(now);
    const taken: QueueMessage[] = [];
    const blockedGroups = new Set(
      this.fifo
        ? this.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).map((m) => m.groupId)
        : [],
    );
    const redrive = this.redrivePolicy;
    for (const message of [...this.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now || blockedGroups.has(message.groupId)) continue;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        const deadLetterQueue = this.lookup(redrive.deadLetterTargetArn);
        if (deadLetterQueue) {
          this.messages.splice(this.messages.indexOf(message), 1);
          message.receiptHandle = undefined;
          message.receiveCount = 0;
          message.visibleAt = now;
          message.deadLetterSourceArn = this.arn;
          deadLetterQueue.enqueue(message);
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      taken.push(message);
    }
    return taken;
  }

  private expire(now: number): void {
    const retentionMs = Number(this.attributes.MessageRetentionPeriod) * 1000;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (now - this.messages[i]!.sentAt > retentionMs) this.messages.splice(i, 1);
    }
  }

  /**
   * Until the next hidden message becomes visible. Messages visible already do not count: if `take` left them,
   * their FIFO group is blocked until a delete (which notifies) or a visibility change, so counting them would
   * poll every few milliseconds for as long as the group stays blocked.
   */
  private nextVisibleIn(): number {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages) {
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    }
    return Number.isFinite(next) ? Math.max(5, next - now) : Number.POSITIVE_INFINITY;
  }

  private sleepUntilChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
