import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clearTable } from '../functions/kernel/projection/dynamodb.js';

/**
 * Rebuilds read models from the bus archive instead of the stores: clears their tables, then replays the
 * archive (EventBridge StartReplay) to the projector's rules only (`FilterArns`), so the live projectors refill
 * them as the events come again, and waits for the replay with progress lines. This is the path for a model
 * whose events' owner keeps no store you can read (or whose store was trimmed); the rules must be given,
 * because replaying to every rule of the bus would run sagas and notifications again.
 */
export interface ArchiveRebuildOptions {
  readonly service: string;
  readonly archive: string;
  /** The names of the rules that feed the service's projector (on the archive's bus). */
  readonly rules: readonly string[];
  /** The tables to clear first: `table name → key attribute`. */
  readonly tables: Readonly<Record<string, string>>;
  readonly clear?: boolean;
  readonly ddb: DynamoDBDocumentClient;
  readonly events?: EventBridgeClient;
  readonly progress?: (line: string) => void;
  /** @default 1000 */
  readonly pollMs?: number;
  /** @default 30 minutes */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export async function rebuildFromArchive(
  options: ArchiveRebuildOptions,
): Promise<{ replay: string; state: string }> {
  const events = options.events ?? new EventBridgeClient({});
  const progress = options.progress ?? (() => {});
  const now = options.now ?? Date.now;
  if (options.rules.length === 0)
    throw new Error('--from-archive needs the projector rules: --rule <name>...');
  const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: options.archive }));
  const busArn = archive.EventSourceArn;
  if (!busArn) throw new Error(`archive ${options.archive} names no bus`);
  const busName = busArn.slice(busArn.indexOf('/') + 1);
  // Every rule resolved before anything is cleared: a typo costs nothing.
  const ruleArns: string[] = [];
  for (const rule of options.rules) {
    const described = await events.send(new DescribeRuleCommand({ Name: rule, EventBusName: busName }));
    if (!described.Arn) throw new Error(`rule ${rule} has no ARN`);
    ruleArns.push(described.Arn);
  }
  if (options.clear ?? true) {
    for (const [table, key] of Object.entries(options.tables)) {
      const removed = await clearTable(options.ddb, table, key);
      progress(`cleared ${table}: ${removed} items`);
    }
  }
  const replay = `rebuild-${options.service}-${now()}`.slice(0, 64);
  const start = archive.CreationTime ?? new Date(0);
  await events.send(
    new StartReplayCommand({
      ReplayName: replay,
      EventSourceArn: archive.ArchiveArn,
      EventStartTime: start,
      // AWS refuses an end in the future; a second's margin covers clock skew (that last second is not replayed).
      EventEndTime: new Date(now() - 1000),
      Destination: { Arn: busArn, FilterArns: ruleArns },
    }),
  );
  progress(`replay ${replay}: ${archive.EventCount ?? '?'} archived events to ${options.rules.join(', ')}`);
  const deadline = now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const state = await events.send(new DescribeReplayCommand({ ReplayName: replay }));
    const last = state.EventLastReplayedTime?.toISOString() ?? '-';
    progress(`  ${state.State} (last replayed event at ${last})`);
    if (state.State === 'COMPLETED') return { replay, state: state.State };
    if (state.State === 'FAILED' || state.State === 'CANCELLED') {
      throw new Error(`replay ${replay} ${state.State}: ${state.StateReason ?? ''}`);
    }
    if (now() > deadline) throw new Error(`replay ${replay} still ${state.State}: gave up waiting`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
