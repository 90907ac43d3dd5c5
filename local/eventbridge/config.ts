import type { EventPattern } from './pattern.js';
import type { TargetInputConfig } from './transform.js';

/*
 * The configuration the local EventBridge is built from, in CloudFormation's property names so that resolved
 * template properties drop straight in (AWS::Events::EventBus, AWS::Events::Rule, AWS::Events::Archive).
 */

export interface EventBusConfig {
  readonly Name: string;
  readonly Description?: string;
  /** The bus's resource-based policy document (an object or its JSON text). */
  readonly Policy?: unknown;
}

/**
 * One statement of a bus's resource-based policy (AWS::Events::EventBusPolicy): a full `Statement`, or the
 * older PutPermission form (`Action`, `Principal` account or `*`, `Condition` on the organization).
 */
export interface EventBusPolicyConfig {
  readonly StatementId: string;
  /** A bus name or ARN. @default 'default' */
  readonly EventBusName?: string;
  readonly Statement?: unknown;
  readonly Action?: string;
  readonly Principal?: string;
  readonly Condition?: { readonly Type?: string; readonly Key?: string; readonly Value?: string };
}

export interface RetryPolicyConfig {
  /** Retries after the first attempt, 0–185. @default 185 */
  readonly MaximumRetryAttempts?: number;
  /** 60–86,400. @default 86400 */
  readonly MaximumEventAgeInSeconds?: number;
}

export interface TargetConfig extends TargetInputConfig {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string;
  readonly RetryPolicy?: RetryPolicyConfig;
  readonly DeadLetterConfig?: { readonly Arn?: string };
  /** Passed through to the dispatcher for FIFO queues. */
  readonly SqsParameters?: { readonly MessageGroupId?: string };
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleConfig {
  readonly Name: string;
  /** A bus name or ARN. @default 'default' */
  readonly EventBusName?: string;
  readonly EventPattern?: EventPattern;
  /** Kept for the API; scheduled rules do not fire locally. */
  readonly ScheduleExpression?: string;
  /** @default 'ENABLED' */
  readonly State?: RuleState;
  readonly Description?: string;
  readonly RoleArn?: string;
  readonly Targets?: readonly TargetConfig[];
}

export interface ArchiveConfig {
  readonly ArchiveName: string;
  /** The ARN of the bus whose events are archived. */
  readonly SourceArn: string;
  readonly EventPattern?: EventPattern;
  /** 0 or absent keeps events forever. */
  readonly RetentionDays?: number;
  readonly Description?: string;
}

export interface EventBridgeConfig {
  readonly eventBuses?: readonly EventBusConfig[];
  readonly busPolicies?: readonly EventBusPolicyConfig[];
  readonly rules?: readonly RuleConfig[];
  readonly archives?: readonly ArchiveConfig[];
}

/** A CloudFormation resource whose intrinsic functions are already resolved to plain values. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  /** The physical name the local cloud gave the resource, used when the template sets no name. */
  readonly physicalId?: string;
}

/**
 * Picks the EventBridge resources out of resolved templates. A rule or archive without a name gets its physical
 * id, else its logical id (CloudFormation would generate `<stack>-<logicalId>-<suffix>`; the core decides).
 */
export function fromTemplateResources(resources: Iterable<ResolvedResource>): EventBridgeConfig {
  const eventBuses: EventBusConfig[] = [];
  const busPolicies: EventBusPolicyConfig[] = [];
  const rules: RuleConfig[] = [];
  const archives: ArchiveConfig[] = [];
  for (const { type, properties: p, logicalId, physicalId } of resources) {
    const name = (key: string) => str(p[key]) ?? physicalId ?? logicalId;
    if (type === 'AWS::Events::EventBus') {
      eventBuses.push({
        Name: name('Name'),
        Description: str(p.Description),
        ...(p.Policy !== undefined && { Policy: p.Policy }),
      });
    } else if (type === 'AWS::Events::EventBusPolicy') {
      busPolicies.push({
        StatementId: str(p.StatementId) ?? logicalId,
        EventBusName: str(p.EventBusName),
        Statement: p.Statement,
        Action: str(p.Action),
        Principal: str(p.Principal),
        Condition: p.Condition as EventBusPolicyConfig['Condition'],
      });
    } else if (type === 'AWS::Events::Rule') {
      rules.push({
        Name: name('Name'),
        EventBusName: str(p.EventBusName),
        EventPattern: p.EventPattern as EventPattern | undefined,
        ScheduleExpression: str(p.ScheduleExpression),
        State: str(p.State) as RuleState | undefined,
        Description: str(p.Description),
        RoleArn: str(p.RoleArn),
        Targets: Array.isArray(p.Targets) ? (p.Targets as TargetConfig[]) : undefined,
      });
    } else if (type === 'AWS::Events::Archive') {
      archives.push({
        ArchiveName: name('ArchiveName'),
        SourceArn: String(p.SourceArn),
        EventPattern: p.EventPattern as EventPattern | undefined,
        RetentionDays:
          typeof p.RetentionDays === 'number' ? p.RetentionDays : numberOrUndefined(p.RetentionDays),
        Description: str(p.Description),
      });
    }
  }
  return { eventBuses, busPolicies, rules, archives };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const numberOrUndefined = (v: unknown): number | undefined =>
  typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

/** `orders` or `arn:aws:events:…:event-bus/orders` → `orders`. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  const marker = ':event-bus/';
  const at = nameOrArn.indexOf(marker);
  return at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}

export type TargetKind = 'lambda' | 'states' | 'sqs' | 'events' | 'other';

/** The service a target ARN points at, which tells the dispatcher how to deliver. */
export function targetKindOf(arn: string): TargetKind {
  const service = arn.split(':')[2];
  return service === 'lambda' || service === 'states' || service === 'sqs' || service === 'events'
    ? service
    : 'other';
}
