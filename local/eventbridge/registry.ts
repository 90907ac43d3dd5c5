import { AwsError } from '../core/aws-service.js';
import { type PolicyDocument, parsePolicy, statementPolicy } from '../iam/policy.js';
import { LocalArchive } from './archive.js';
import {
  busNameOf,
  type EventBridgeConfig,
  type EventBusPolicyConfig,
  type RuleConfig,
  type RuleState,
  type TargetConfig,
  type TargetKind,
  targetKindOf,
} from './config.js';
import { type CompiledEventPattern, compileEventPattern } from './pattern.js';
import { parseSchedule, type Schedule } from './schedule.js';
import { compileTargetInput, type InputRenderer } from './transform.js';

export interface LocalBus {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly creationTime: number;
}

export interface LocalTarget {
  readonly config: TargetConfig;
  readonly kind: TargetKind;
  readonly render: InputRenderer;
}

export interface LocalRule {
  readonly name: string;
  readonly busName: string;
  readonly arn: string;
  readonly config: RuleConfig;
  readonly state: RuleState;
  readonly pattern?: CompiledEventPattern;
  /** A scheduled rule's expression, parsed (`rate(...)` or `cron(...)`). */
  readonly schedule?: Schedule;
  readonly targets: Map<string, LocalTarget>;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
export const MAX_TARGETS_PER_RULE = 5;

/** Buses, rules with their compiled patterns and targets, and archives: validated as PutRule/PutTargets would. */
export class Registry {
  readonly buses = new Map<string, LocalBus>();
  readonly rules = new Map<string, Map<string, LocalRule>>();
  readonly archives = new Map<string, LocalArchive>();
  /** Each bus's resource-based policy: the bus's own `Policy`, and one document per EventBusPolicy statement. */
  readonly policies = new Map<string, Map<string, PolicyDocument>>();
  readonly arnPrefix: string;

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => number,
  ) {
    this.arnPrefix = `arn:aws:events:${region}:${accountId}`;
    this.addBus('default');
  }

  load(config: EventBridgeConfig): void {
    for (const bus of config.eventBuses ?? []) {
      this.addBus(bus.Name, bus.Description);
      if (bus.Policy !== undefined) {
        this.policyOf(bus.Name).set('', parsePolicy(bus.Policy, `the policy of event bus ${bus.Name}`));
      }
    }
    for (const policy of config.busPolicies ?? []) this.putPolicyStatement(policy);
    for (const rule of config.rules ?? []) {
      this.ensureBus(busNameOf(rule.EventBusName));
      this.putRule(rule);
      this.putTargets(rule.Name, rule.EventBusName, rule.Targets ?? []);
    }
    for (const archive of config.archives ?? []) {
      this.ensureBus(busNameOf(archive.SourceArn));
      this.archives.set(archive.ArchiveName, new LocalArchive(archive, this.arnPrefix, this.now()));
    }
  }

  addBus(name: string, description?: string): LocalBus {
    const bus = { name, arn: `${this.arnPrefix}:event-bus/${name}`, description, creationTime: this.now() };
    this.buses.set(name, bus);
    if (!this.rules.has(name)) this.rules.set(name, new Map());
    return bus;
  }

  /** The bus's resource-based policy, as documents to evaluate together (none: no resource policy). */
  busPolicy(name: string): PolicyDocument[] {
    return [...(this.policies.get(name)?.values() ?? [])];
  }

  /** An EventBusPolicy statement (PutPermission): replaces the bus's statement of the same id. */
  putPolicyStatement(config: EventBusPolicyConfig): void {
    const busName = busNameOf(config.EventBusName);
    this.ensureBus(busName);
    const bus = this.buses.get(busName)!;
    const where = `event bus policy ${config.StatementId} of ${busName}`;
    const statement =
      config.Statement !== undefined
        ? { Sid: config.StatementId, Resource: bus.arn, ...(config.Statement as object) }
        : {
            Sid: config.StatementId,
            Effect: 'Allow',
            Principal:
              config.Principal === '*' ? '*' : { AWS: `arn:aws:iam::${config.Principal ?? ''}:root` },
            Action: config.Action ?? 'events:PutEvents',
            Resource: bus.arn,
            ...(config.Condition?.Key && {
              Condition: {
                [config.Condition.Type ?? 'StringEquals']: { [config.Condition.Key]: config.Condition.Value },
              },
            }),
          };
    this.policyOf(busName).set(config.StatementId, statementPolicy(statement, where));
  }

  private policyOf(busName: string): Map<string, PolicyDocument> {
    let policies = this.policies.get(busName);
    if (!policies) {
      policies = new Map();
      this.policies.set(busName, policies);
    }
    return policies;
  }

  /** A bus a rule or archive names but no template declares (an imported bus): it exists outside the app. */
  private ensureBus(name: string): void {
    if (!this.buses.has(name)) this.addBus(name);
  }

  bus(nameOrArn: string | undefined): LocalBus {
    const name = busNameOf(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  rulesOf(busName: string): LocalRule[] {
    return [...(this.rules.get(busName)?.values() ?? [])];
  }

  rule(name: string, busNameOrArn: string | undefined): LocalRule {
    const bus = this.bus(busNameOrArn);
    const rule = this.rules.get(bus.name)?.get(name);
    if (!rule)
      throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  ruleArn(busName: string, name: string): string {
    return busName === 'default'
      ? `${this.arnPrefix}:rule/${name}`
      : `${this.arnPrefix}:rule/${busName}/${name}`;
  }

  putRule(config: RuleConfig): LocalRule {
    if (typeof config.Name !== 'string' || !RULE_NAME.test(config.Name)) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${config.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      );
    }
    const bus = this.bus(config.EventBusName);
    if (config.EventPattern === undefined && config.ScheduleExpression === undefined) {
      throw new AwsError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    if (config.ScheduleExpression !== undefined && bus.name !== 'default') {
      throw new AwsError(
        'ValidationException',
        'ScheduleExpression is supported only on the default event bus.',
      );
    }
    const pattern = config.EventPattern === undefined ? undefined : compileEventPattern(config.EventPattern);
    const schedule =
      config.ScheduleExpression === undefined ? undefined : parseSchedule(config.ScheduleExpression);
    const existing = this.rules.get(bus.name)?.get(config.Name);
    const rule: LocalRule = {
      name: config.Name,
      busName: bus.name,
      arn: this.ruleArn(bus.name, config.Name),
      config: { ...config, EventBusName: bus.name, Targets: undefined },
      state: config.State ?? 'ENABLED',
      pattern,
      ...(schedule ? { schedule } : {}),
      targets: existing?.targets ?? new Map(),
    };
    this.rules.get(bus.name)?.set(rule.name, rule);
    return rule;
  }

  putTargets(ruleName: string, busNameOrArn: string | undefined, targets: readonly TargetConfig[]): void {
    const rule = this.rule(ruleName, busNameOrArn);
    const compiled = targets.map((config): LocalTarget => {
      if (typeof config.Id !== 'string' || typeof config.Arn !== 'string') {
        throw new AwsError('ValidationException', 'A target needs an Id and an Arn.');
      }
      return { config, kind: targetKindOf(config.Arn), render: compileTargetInput(config) };
    });
    const ids = new Set([...rule.targets.keys(), ...compiled.map((t) => t.config.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) {
      throw new AwsError(
        'LimitExceededException',
        'The requested resource exceeds the maximum number allowed.',
      );
    }
    for (const target of compiled) rule.targets.set(target.config.Id, target);
  }

  deleteRule(name: string, busNameOrArn: string | undefined): void {
    const bus = this.bus(busNameOrArn);
    const rule = this.rules.get(bus.name)?.get(name);
    if (!rule) return; // AWS answers a delete of a missing rule with success.
    if (rule.targets.size > 0)
      throw new AwsError('ValidationException', "Rule can't be deleted since it has targets.");
    this.rules.get(bus.name)?.delete(name);
  }

  archiveByArn(arn: string): LocalArchive {
    const name = arn.includes(':archive/') ? arn.slice(arn.indexOf(':archive/') + ':archive/'.length) : arn;
    const archive = this.archives.get(name);
    if (!archive) throw new AwsError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    return archive;
  }
}
