import { AwsError } from '../core/aws-service.js';
import type { ReplayRecord } from './archive.js';
import { busNameOf } from './config.js';
import type { LocalEventBridge } from './runtime.js';

export interface StartReplayInput {
  readonly ReplayName?: string;
  readonly Description?: string;
  readonly EventSourceArn?: string;
  /** Epoch seconds (the JSON protocol), a Date or an ISO string. */
  readonly EventStartTime?: number | string | Date;
  readonly EventEndTime?: number | string | Date;
  readonly Destination?: { readonly Arn?: string; readonly FilterArns?: readonly string[] };
}

const invalid = (name: string, reason: string) =>
  new AwsError('ValidationException', `Parameter ${name} is not valid. Reason: ${reason}`);

/**
 * Starts a replay: the archive's events taken within the window go again to the rules of the archive's bus
 * (or only those in FilterArns), each with `replay-name` set, as AWS sends them. Runs asynchronously, as in AWS:
 * the record moves STARTING → RUNNING → COMPLETED.
 */
export function startReplay(bridge: LocalEventBridge, input: StartReplayInput): ReplayRecord {
  const { registry } = bridge;
  const name = input.ReplayName;
  if (!name) throw invalid('ReplayName', 'ReplayName is a required argument.');
  if (bridge.replays.has(name))
    throw new AwsError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
  if (!input.EventSourceArn) throw invalid('EventSourceArn', 'EventSourceArn is a required argument.');
  const archive = registry.archiveByArn(input.EventSourceArn);
  const start = toMs(input.EventStartTime);
  const end = toMs(input.EventEndTime);
  if (start === undefined) throw invalid('EventStartTime', 'EventStartTime is a required argument.');
  if (end === undefined) throw invalid('EventEndTime', 'EventEndTime is a required argument.');
  if (start >= end) throw invalid('EventStartTime', 'EventStartTime must be before EventEndTime.');
  if (end > bridge.now()) throw invalid('EventEndTime', 'EventEndTime cannot be in the future.');
  const destination = input.Destination?.Arn;
  if (!destination) throw invalid('Destination.Arn', 'Destination.Arn is a required argument.');
  if (busNameOf(destination) !== archive.sourceBusName) {
    throw invalid('Destination.Arn', 'Cross event bus replay is not permitted.');
  }
  const filterArns = input.Destination?.FilterArns;
  const busRules = new Set(registry.rulesOf(archive.sourceBusName).map((r) => r.arn));
  for (const arn of filterArns ?? []) {
    if (!busRules.has(arn))
      throw invalid('Destination.FilterArns', `Rule ${arn} does not exist on the destination bus.`);
  }

  const record: ReplayRecord = {
    ReplayName: name,
    ReplayArn: `${registry.arnPrefix}:replay/${name}`,
    Description: input.Description,
    EventSourceArn: archive.arn,
    Destination: { Arn: destination, ...(filterArns ? { FilterArns: filterArns } : {}) },
    EventStartTime: start / 1000,
    EventEndTime: end / 1000,
    ReplayStartTime: bridge.now() / 1000,
    State: 'STARTING',
  };
  bridge.replays.set(name, record);
  bridge.track(
    (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      record.State = 'RUNNING';
      for (const archived of archive.between(start, end, bridge.now())) {
        bridge.accept(archive.sourceBusName, { ...archived.event, 'replay-name': name }, { filterArns });
        record.EventLastReplayedTime = archived.at / 1000;
      }
      record.State = 'COMPLETED';
      record.ReplayEndTime = bridge.now() / 1000;
    })().catch((error: unknown) => {
      record.State = 'FAILED';
      record.StateReason = error instanceof Error ? error.message : String(error);
    }),
  );
  return record;
}

function toMs(value: StartReplayInput['EventStartTime']): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    const ms = Number.isFinite(n) ? n * 1000 : Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
