import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { PlatformStack } from '../../lib/stacks/platform-stack.js';

/**
 * The alarm topic must be usable by CloudWatch: encrypted with a customer-managed key whose policy lets
 * cloudwatch.amazonaws.com use it for this account's alarms only. With `alias/aws/sns` every alarm action fails.
 */
describe('PlatformStack alarm topic', () => {
  let template: Template;
  let stack: PlatformStack;
  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new PlatformStack(app, 'Platform', {
      config: loadConfig({ STAGE: 'dev' }),
      env: { account: '123456789012', region: 'eu-west-1' },
      eventSchemas: [],
    });
    template = Template.fromStack(stack);
  });

  const keyRef = () => ({
    'Fn::GetAtt': [stack.getLogicalId(stack.alarmKey.node.defaultChild as never), 'Arn'],
  });

  it('encrypts the topic with its own key (rotated), not the AWS-managed alias/aws/sns', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyRef() });
    expect(JSON.stringify(template.findResources('AWS::SNS::Topic'))).not.toContain('alias/aws/sns');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it("lets CloudWatch decrypt and generate data keys, for this account's alarms only", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:123456789012:alarm:*'],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets those alarms publish to the topic (its policy replaces the default one)', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
        ]),
      },
    });
  });
});
