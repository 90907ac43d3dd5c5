import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as xray from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import { SOURCE_PREFIX } from '../../functions/kernel/events/envelope.js';
import { eventJsonSchemas } from '../../functions/kernel/events/json-schema.js';
import type { PlatformConfig } from '../config.js';
import { CircuitBreakerTable } from '../constructs/circuit-breaker-table.js';
import { DomainEventBus, type EventSchemaDefinition } from '../constructs/domain-event-bus.js';
import { platformPublishers } from './publishers.js';
import { dataRemovalPolicy } from './retention.js';

export interface PlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
  /**
   * The registry's schemas.
   * @default - one per event type and version of the kernel's catalogue
   */
  readonly eventSchemas?: readonly EventSchemaDefinition[];
}

/** SSM parameter names under which services discover the platform (service discovery). */
export const discoveryParameter = (stage: string, name: string) => `/commerceforge/${stage}/platform/${name}`;

/**
 * What every bounded context shares: the domain event bus with its archive and Schema Registry, the topic
 * that alarms notify, X-Ray sampling, and SSM parameters that let services find them.
 */
export class PlatformStack extends Stack {
  public readonly bus: DomainEventBus;
  public readonly alarmTopic: sns.Topic;
  /** The alarm topic's key: customer managed, because CloudWatch cannot use the AWS-managed `alias/aws/sns`. */
  public readonly alarmKey: kms.Key;
  /** The circuit breakers' shared state: services grant it to the functions that call an outside dependency. */
  public readonly circuitBreakers: CircuitBreakerTable;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = dataRemovalPolicy(config);

    // An alarm action publishes as CloudWatch, which must encrypt with the topic's key: the AWS-managed
    // alias/aws/sns key's policy cannot grant it that, so every notification would fail. This key's policy
    // lets CloudWatch use it on behalf of this account's alarms only (confused deputy: SourceAccount and
    // SourceArn), as the SNS key-management and CloudWatch alarm-action documentation describe.
    this.alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `CommerceForge ${config.stage}: encrypts the alarm topic; CloudWatch alarms may use it`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `CommerceForge ${config.stage} alarms`,
      enforceSSL: true,
      masterKey: this.alarmKey,
    });
    // enforceSSL replaces the topic's default policy: say who may publish (this account's alarms).
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );

    this.bus = new DomainEventBus(this, 'DomainEvents', {
      eventBusName: `commerceforge-${config.stage}`,
      registryName: `commerceforge-${config.stage}`,
      schemas:
        props.eventSchemas ??
        eventJsonSchemas().map((s) => ({
          schemaName: s.schemaName,
          description: `${s.type} v${s.version}, published by ${s.service}`,
          content: s.content,
        })),
      archiveRetention: Duration.days(config.stageDefaults.archiveRetentionDays),
      alarmTopic: this.alarmTopic,
      removalPolicy,
      // Only a service speaks for itself: commerceforge.<service> is refused to every principal but its publisher.
      publishers: platformPublishers(this, config.stage),
      reservedSourcePrefix: SOURCE_PREFIX,
    });

    // Stateful like every table of the stage (retained on prod), though a minute's failures rebuild it.
    this.circuitBreakers = new CircuitBreakerTable(this, 'CircuitBreakers', {
      removalPolicy,
      pointInTimeRecovery: config.stageDefaults.pointInTimeRecovery,
    });

    // Lambda samples on its own; AppSync and Step Functions follow this rule.
    new xray.CfnSamplingRule(this, 'Sampling', {
      samplingRule: {
        ruleName: `commerceforge-${config.stage}`,
        priority: 1000,
        fixedRate: config.tracing.enabled ? config.tracing.samplingRate : 0,
        reservoirSize: config.tracing.enabled ? 1 : 0,
        serviceName: '*',
        serviceType: '*',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });

    const discover = (name: string, value: string, description: string) =>
      new ssm.StringParameter(this, `Discovery-${name}`, {
        parameterName: discoveryParameter(config.stage, name),
        stringValue: value,
        description,
      });
    discover('event-bus-name', this.bus.eventBus.eventBusName, 'Name of the domain event bus');
    discover('event-bus-arn', this.bus.eventBus.eventBusArn, 'ARN of the domain event bus');
    discover('alarm-topic-arn', this.alarmTopic.topicArn, 'ARN of the topic alarms notify');

    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBus.eventBusArn });
    new CfnOutput(this, 'SchemaRegistryName', { value: this.bus.registry.attrRegistryName });
  }
}
