/**
 * Where events went: the bus rules' `AWS/Events` metrics and the dead-letter queues' depths, through the
 * EventBridge, CloudWatch and SQS APIs — what a deployed stage answers too, not the local cloud's internals.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { redrive } from '../redrive.js';
import type { DeadLetterDepth, RuleDeliveries } from './model.js';
import { clientConfig, type Discovery, type Target } from './target.js';

const METRICS = {
  matched: 'MatchedEvents',
  invocations: 'Invocations',
  failed: 'FailedInvocations',
  sentToDlq: 'InvocationsSentToDlq',
  failedToDlq: 'InvocationsFailedToBeSentToDlq',
} as const;
type Counter = keyof typeof METRICS;

/** A dead-letter queue by its name: what the stacks call them, or what a redrive policy or a rule target names. */
const DEAD_LETTER_NAME = /dead|dlq|fail/i;

const nameOfUrl = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function deliveryReader(target: Target, discovery: Discovery) {
  const config = clientConfig(target);
  const events = new EventBridgeClient(config);
  const cloudWatch = new CloudWatchClient(config);
  const sqs = new SQSClient(config);

  /** The bus's rules with how many targets each has, and the dead-letter queues those targets name. */
  async function rules(): Promise<{ rules: Map<string, number>; deadLetterArns: Set<string> }> {
    const bus = await discovery.get('platform', 'event-bus-name');
    const found = new Map<string, number>();
    const deadLetterArns = new Set<string>();
    let token: string | undefined;
    do {
      const page = await events.send(new ListRulesCommand({ EventBusName: bus, NextToken: token }));
      for (const rule of page.Rules ?? []) {
        if (!rule.Name || rule.State === 'DISABLED') continue;
        const { Targets = [] } = await events.send(
          new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus }),
        );
        found.set(rule.Name, Targets.length);
        for (const t of Targets) if (t.DeadLetterConfig?.Arn) deadLetterArns.add(t.DeadLetterConfig.Arn);
      }
      token = page.NextToken;
    } while (token);
    return { rules: found, deadLetterArns };
  }

  /** Sums of the rule counters over [since, now], one GetMetricData query per rule and counter. */
  async function ruleDeliveries(since: Date, targets: Map<string, number>): Promise<RuleDeliveries[]> {
    const names = [...targets.keys()];
    const queries: MetricDataQuery[] = names.flatMap((rule, r) =>
      (Object.keys(METRICS) as Counter[]).map((counter) => ({
        Id: `${counter.toLowerCase()}_${r}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Events',
            MetricName: METRICS[counter],
            Dimensions: [{ Name: 'RuleName', Value: rule }],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: true,
      })),
    );
    const sums = new Map<string, number>();
    const start = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
    const end = new Date(Date.now() + 60_000);
    for (let i = 0; i < queries.length; i += 500) {
      let token: string | undefined;
      do {
        const page = await cloudWatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries.slice(i, i + 500),
            StartTime: start,
            EndTime: end,
            NextToken: token,
          }),
        );
        for (const result of page.MetricDataResults ?? [])
          if (result.Id)
            sums.set(
              result.Id,
              (sums.get(result.Id) ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0),
            );
        token = page.NextToken;
      } while (token);
    }
    return names.map((rule, r) => {
      const sum = (counter: Counter) => sums.get(`${counter.toLowerCase()}_${r}`) ?? 0;
      return {
        rule,
        targets: targets.get(rule) ?? 0,
        matched: sum('matched'),
        invocations: sum('invocations'),
        failed: sum('failed'),
        sentToDlq: sum('sentToDlq'),
        failedToDlq: sum('failedToDlq'),
      };
    });
  }

  async function queueUrls(): Promise<string[]> {
    const urls: string[] = [];
    let token: string | undefined;
    do {
      const page = await sqs.send(new ListQueuesCommand({ NextToken: token, MaxResults: 1000 }));
      urls.push(...(page.QueueUrls ?? []));
      token = page.NextToken;
    } while (token);
    return urls;
  }

  return {
    rules,

    /**
     * The rule counters once every delivery has ended: polled until each rule's invocations cover its matched
     * events × targets (a delivery still retrying is not an invocation yet), or `settleMs` passed.
     */
    async settledDeliveries(since: Date, settleMs: number): Promise<RuleDeliveries[]> {
      const { rules: targets } = await rules();
      const deadline = Date.now() + settleMs;
      for (;;) {
        const found = await ruleDeliveries(since, targets);
        const settled = found.every((r) => r.invocations >= r.matched * r.targets);
        if (settled || Date.now() > deadline) return found;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    },

    /** Every dead-letter queue's depth (visible + in flight), by queue URL. */
    async deadLetterDepths(): Promise<Map<string, number>> {
      const { deadLetterArns } = await rules();
      const urls = await queueUrls();
      const redriveTargets = new Set<string>();
      for (const url of urls) {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
        );
        if (Attributes.RedrivePolicy) {
          const { deadLetterTargetArn } = JSON.parse(Attributes.RedrivePolicy) as {
            deadLetterTargetArn?: string;
          };
          if (deadLetterTargetArn) redriveTargets.add(nameOfArn(deadLetterTargetArn));
        }
      }
      const named = new Set([...deadLetterArns].map(nameOfArn));
      const depths = new Map<string, number>();
      for (const url of urls) {
        const name = nameOfUrl(url);
        if (!redriveTargets.has(name) && !named.has(name) && !DEAD_LETTER_NAME.test(name)) continue;
        if (target.endpoint === undefined && !name.includes(target.stage)) continue;
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        depths.set(
          url,
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
            Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        );
      }
      return depths;
    },

    /**
     * Moves what each grown dead-letter queue holds back to the queue that feeds it (the runbook's `npm run
     * redrive`), so a consumer that failed during the fault catches up. A rule's dead-letter queue has no source
     * queue (EventBridge put the events there): it is left, and reported as waiting.
     */
    async redriveGrown(before: Map<string, number>, after: Map<string, number>, log: (line: string) => void) {
      const moved = new Map<string, number>();
      for (const [url, depth] of after) {
        if (depth <= (before.get(url) ?? 0)) continue;
        const { queueUrls: sources = [] } = await sqs.send(
          new ListDeadLetterSourceQueuesCommand({ QueueUrl: url }),
        );
        if (sources.length !== 1) continue;
        const result = await redrive({ queue: url, client: sqs, progress: log });
        moved.set(url, result.moved);
      }
      return moved;
    },

    depthsReport(
      before: Map<string, number>,
      after: Map<string, number>,
      redriven: Map<string, number>,
    ): DeadLetterDepth[] {
      return [...new Set([...before.keys(), ...after.keys()])].map((url) => ({
        queue: nameOfUrl(url),
        before: before.get(url) ?? 0,
        after: after.get(url) ?? 0,
        redriven: redriven.get(url) ?? 0,
      }));
    },

    destroy() {
      events.destroy();
      cloudWatch.destroy();
      sqs.destroy();
    },
  };
}

export type DeliveryReader = ReturnType<typeof deliveryReader>;
