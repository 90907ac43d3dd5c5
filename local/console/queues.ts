/**
 * Dead-letter queues for the console: which queues are DLQs (a queue's redrive policy or an EventBridge
 * target's DeadLetterConfig names them), their messages read without receiving them (so looking changes
 * nothing), and a redrive. A queue's DLQ moves back to the queue whose redrive policy names it, as
 * `scripts/redrive.ts` does over the API (send, then delete: a crash delivers twice at worst, never loses);
 * a bus target's DLQ holds events with the rule that failed them in `RULE_ARN`, so its messages go back
 * through that rule of their bus (the rule's targets get them again, as a replay filtered to it would do).
 */
import type { CloudModel } from '../assembly/model.js';
import type { LocalEventBridge } from '../eventbridge/index.js';
import type { SqsQueues } from '../sqs/queues.js';

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
  constructor(
    readonly code: 'NOT_A_DLQ' | 'NO_SUCH_QUEUE' | 'NO_BUS',
    message: string,
  ) {
    super(message);
  }
}

export interface QueueRow {
  readonly name: string;
  readonly arn: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** The queues that dead-letter into it (redrive policies). */
  readonly sources: readonly string[];
  /** The bus rules whose targets dead-letter into it. */
  readonly rules: readonly string[];
}

export interface MessageRow {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: string;
  readonly receiveCount: number;
  readonly attributes: Readonly<Record<string, string>>;
}

export function deadLetterQueues(model: CloudModel, sqs: SqsQueues): QueueRow[] {
  const rulesByDlq = new Map<string, Set<string>>();
  for (const rule of model.resources('AWS::Events::Rule')) {
    let props: Record<string, unknown>;
    try {
      props = model.properties(rule);
    } catch {
      continue;
    }
    const targets = (props.Targets as { DeadLetterConfig?: { Arn?: string } }[] | undefined) ?? [];
    for (const target of targets) {
      const arn = target.DeadLetterConfig?.Arn;
      if (!arn) continue;
      const name = typeof props.Name === 'string' ? props.Name : model.identity(rule).name;
      rulesByDlq.set(arn, (rulesByDlq.get(arn) ?? new Set()).add(name));
    }
  }
  const queues = sqs.list();
  return queues
    .map((queue) => {
      const sources = queues
        .filter((q) => q.redrivePolicy?.deadLetterTargetArn === queue.arn)
        .map((q) => q.name);
      return { queue, sources, rules: [...(rulesByDlq.get(queue.arn) ?? [])] };
    })
    .filter(({ sources, rules }) => sources.length > 0 || rules.length > 0)
    .map(({ queue, sources, rules }) => ({
      name: queue.name,
      arn: queue.arn,
      ...queue.counts(),
      sources,
      rules,
    }))
    .sort((a, b) => b.visible + b.inFlight - (a.visible + a.inFlight) || a.name.localeCompare(b.name));
}

export function peekMessages(sqs: SqsQueues, name: string, limit = 50): MessageRow[] {
  const queue = sqs.find(name);
  if (!queue) throw new RedriveError('NO_SUCH_QUEUE', `no queue ${name}`);
  return queue.messages.slice(0, limit).map((message) => ({
    messageId: message.messageId,
    body: message.body.slice(0, 20_000),
    sentAt: new Date(message.sentAt).toISOString(),
    receiveCount: message.receiveCount,
    attributes: Object.fromEntries(
      Object.entries(message.messageAttributes).map(([key, value]) => [
        key,
        String(value.StringValue ?? value.DataType),
      ]),
    ),
  }));
}

export async function redriveQueue(
  model: CloudModel,
  sqs: SqsQueues,
  bridge: LocalEventBridge | undefined,
  name: string,
): Promise<{ moved: number; to: string }> {
  const row = deadLetterQueues(model, sqs).find((candidate) => candidate.name === name);
  if (!row) throw new RedriveError('NOT_A_DLQ', `${name} is not a dead-letter queue`);
  const [source] = row.sources;
  let moved = 0;
  /** The rules the messages went back through: each message's own, not every rule the templates name. */
  const through = new Set<string>();
  // What is there now: a message that fails again and comes back meanwhile waits for the next redrive.
  const limit = sqs.get(name).counts().visible;
  while (moved < limit) {
    const batch = await sqs.receive(name, { max: Math.min(10, limit - moved), visibilitySeconds: 60 });
    if (batch.length === 0) break;
    for (const message of batch) {
      const ruleArn = message.messageAttributes.RULE_ARN?.StringValue;
      if (source) {
        sqs.send(source, {
          body: message.body,
          messageAttributes: message.messageAttributes,
          ...(message.groupId ? { groupId: message.groupId } : {}),
          ...(message.deduplicationId ? { deduplicationId: message.deduplicationId } : {}),
        });
      } else if (ruleArn && bridge) {
        // arn:aws:events:<region>:<account>:rule/<bus>/<rule>
        const busName = /:rule\/([^/]+)\//.exec(ruleArn)?.[1];
        if (!busName) throw new RedriveError('NO_BUS', `no bus in ${ruleArn}`);
        bridge.accept(busName, JSON.parse(message.body), { filterArns: [ruleArn] });
        through.add(ruleArn.split('/').pop() ?? ruleArn);
      } else {
        throw new RedriveError('NOT_A_DLQ', `${name}: a message names no rule to send it back through`);
      }
      sqs.deleteMessage(name, message.receiptHandle ?? '');
      moved += 1;
    }
  }
  return { moved, to: source ?? [...(through.size ? through : row.rules)].join(', ') };
}
