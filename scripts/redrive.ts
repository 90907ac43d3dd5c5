/**
 * Moves dead-lettered messages back to where they failed, so they are processed again.
 *
 *   npm run redrive -- <queue> [--to <queue>] [--max <n>]
 *
 * `<queue>` is the dead-letter queue: its name, URL, or a part of its name that only one queue has. The
 * destination is the queue whose redrive policy names it (SQS's ListDeadLetterSourceQueues), or `--to`.
 * Each message is sent to the destination (body and attributes kept; on a FIFO queue its group and
 * deduplication ids) and only then deleted from the DLQ, so a crash part-way delivers a message twice at
 * worst, never loses it — our consumers are idempotent. It uses ReceiveMessage/SendMessage/DeleteMessage
 * rather than StartMessageMoveTask because the local cloud's SQS has no move tasks and the same script
 * must work on both. The SDK reads AWS_ENDPOINT_URL, so against the local cloud:
 *
 *   AWS_ENDPOINT_URL=http://localhost:4566 npm run redrive -- OrdersProjectorDlq
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeleteMessageCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveOptions {
  /** The dead-letter queue: name, URL or a unique part of its name. */
  readonly queue: string;
  /** @default the one queue whose redrive policy targets the DLQ */
  readonly to?: string;
  /** Stop after this many messages. @default all that are visible */
  readonly max?: number;
  readonly client?: SQSClient;
  readonly progress?: (line: string) => void;
}

export interface RedriveResult {
  readonly from: string;
  readonly to: string;
  readonly moved: number;
}

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

export async function redrive(options: RedriveOptions): Promise<RedriveResult> {
  const client = options.client ?? new SQSClient({});
  const progress = options.progress ?? (() => {});
  const from = await resolveQueue(client, options.queue);
  const to = options.to ? await resolveQueue(client, options.to) : await sourceOf(client, from);
  if (to === from) throw new RedriveError('the destination is the dead-letter queue itself');
  const fifo = from.endsWith('.fifo');
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  progress(`redriving ${nameOf(from)} → ${nameOf(to)}`);
  while (moved < max) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(10, max - moved),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        // Long enough to send and delete a batch; a message not deleted comes back to the DLQ.
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: to,
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
          ...(fifo
            ? {
                MessageGroupId: message.Attributes?.MessageGroupId,
                MessageDeduplicationId: message.Attributes?.MessageDeduplicationId ?? message.MessageId,
              }
            : {}),
        }),
      );
      await client.send(new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: message.ReceiptHandle }));
      moved++;
    }
    progress(`  ${moved} moved`);
  }
  progress(`done: ${moved} message(s) moved from ${nameOf(from)} to ${nameOf(to)}`);
  return { from, to, moved };
}

const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** A queue's URL from its URL, exact name, or a part of its name that names one queue only. */
async function resolveQueue(client: SQSClient, given: string): Promise<string> {
  const urls = await allQueues(client);
  if (urls.includes(given)) return given;
  const exact = urls.filter((u) => nameOf(u) === given);
  if (exact.length === 1) return exact[0]!;
  const partial = urls.filter((u) => nameOf(u).toLowerCase().includes(given.toLowerCase()));
  if (partial.length === 1) return partial[0]!;
  if (partial.length === 0) throw new RedriveError(`no queue named like "${given}"`);
  throw new RedriveError(
    `"${given}" names ${partial.length} queues; be more precise:\n  ${partial.map(nameOf).join('\n  ')}`,
  );
}

async function allQueues(client: SQSClient): Promise<string[]> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListQueuesCommand({ MaxResults: 1000, NextToken }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return urls;
}

async function sourceOf(client: SQSClient, dlq: string): Promise<string> {
  const { queueUrls = [] } = await client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
  if (queueUrls.length === 1) return queueUrls[0]!;
  throw new RedriveError(
    queueUrls.length === 0
      ? `no queue sends its dead letters to ${nameOf(dlq)} (an EventBridge target's DLQ?): give --to <queue>`
      : `${nameOf(dlq)} is the DLQ of ${queueUrls.length} queues: give --to <queue>`,
  );
}

export function parseArgs(argv: readonly string[]): { queue: string; to?: string; max?: number } {
  const [queue, ...rest] = argv;
  if (!queue || queue.startsWith('-'))
    throw new RedriveError('usage: redrive <queue> [--to <queue>] [--max <n>]');
  let to: string | undefined;
  let max: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--to') to = rest[++i];
    else if (arg === '--max') {
      max = Number(rest[++i]);
      if (!Number.isInteger(max) || max < 1) throw new RedriveError('--max takes a positive integer');
    } else throw new RedriveError(`unknown argument ${arg}`);
  }
  if (rest.includes('--to') && !to) throw new RedriveError('--to takes a queue');
  return { queue, ...(to ? { to } : {}), ...(max ? { max } : {}) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  redrive({ ...parseArgs(process.argv.slice(2)), progress: (line) => console.log(line) }).catch(
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
