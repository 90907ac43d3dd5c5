import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as xray from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import { eventJsonSchemas } from '../../functions/kernel/events/json-schema.js';
import type { PlatformConfig } from '../config.js';
import { DomainEventBus, type EventSchemaDefinition } from '../constructs/domain-event-bus.js';

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

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.stageDefaults.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `CommerceForge ${config.stage} alarms`,
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

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
