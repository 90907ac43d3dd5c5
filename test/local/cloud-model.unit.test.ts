// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the Fn::Sub strings are CloudFormation's, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import type { StackArtifact } from '../../local/assembly/cloud-assembly.js';
import { CloudModel } from '../../local/assembly/model.js';
import { generatedName } from '../../local/assembly/physical-names.js';
import type { CfnTemplate } from '../../local/assembly/template.js';

const stack = (stackName: string, template: CfnTemplate): StackArtifact => ({
  id: stackName,
  stackName,
  directory: '/assembly',
  template,
  dependencies: [],
});

const orders = stack('Orders', {
  Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
  Resources: {
    Store: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
    Named: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-named' } },
    },
    Jobs: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
    Handler: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.abc' },
      Properties: {
        Environment: {
          Variables: {
            TABLE: { Ref: 'Store' },
            STREAM: { 'Fn::GetAtt': ['Store', 'StreamArn'] },
            QUEUE_URL: { Ref: 'Jobs' },
          },
        },
      },
    },
    V1: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Handler' } } },
    V2: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Handler' } } },
    Live: {
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: 'Handler' },
        FunctionVersion: { 'Fn::GetAtt': ['V2', 'Version'] },
        Name: 'live',
      },
    },
    Skipped: { Type: 'AWS::SNS::Topic', Condition: 'Never' },
  },
  Outputs: { StoreName: { Value: { Ref: 'Store' }, Export: { Name: 'Orders:StoreName' } } },
});

const consumer = stack('Consumer', {
  Resources: {
    Reader: {
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { TABLE: { 'Fn::ImportValue': 'Orders:StoreName' } } } },
    },
  },
});

const model = () =>
  new CloudModel([orders, consumer], {
    accountId: '000000000000',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
  });

describe('CloudModel', () => {
  it('names resources as CloudFormation does, stable across runs, and keeps given names', () => {
    const m = model();
    const store = m.identity(m.resource('Orders', 'Store'));
    expect(store.name).toMatch(/^Orders-Store-[A-Z0-9]{12}$/);
    expect(model().identity(model().resource('Orders', 'Store')).name).toBe(store.name);
    expect(store.arn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${store.name}`);
    expect(m.identity(m.resource('Orders', 'Named')).name).toBe('Orders-named');
    expect(generatedName('A'.repeat(80), 'B'.repeat(80), 64)).toHaveLength(64);
  });

  it('gives queues their URL as Ref and a .fifo name when FIFO', () => {
    const m = model();
    const jobs = m.identity(m.resource('Orders', 'Jobs'));
    expect(jobs.name).toMatch(/\.fifo$/);
    expect(jobs.ref).toBe(`http://127.0.0.1:4566/000000000000/${jobs.name}`);
    expect(jobs.attributes.Arn).toBe(`arn:aws:sqs:us-east-1:000000000000:${jobs.name}`);
  });

  it('resolves a stream ARN only once the running table has told it', () => {
    const m = model();
    const handler = m.resource('Orders', 'Handler');
    expect(() => m.properties(handler)).toThrow(/StreamArn.*until its table exists/);
    m.setAttribute(m.resource('Orders', 'Store'), 'StreamArn', 'arn:stream');
    expect(m.properties(handler)).toMatchObject({ Environment: { Variables: { STREAM: 'arn:stream' } } });
    expect(handler.assetPath).toBe('/assembly/asset.abc');
  });

  it('numbers versions per function and points aliases at them', () => {
    const m = model();
    const fnArn = m.identity(m.resource('Orders', 'Handler')).arn;
    expect(m.identity(m.resource('Orders', 'V2')).ref).toBe(`${fnArn}:2`);
    expect(m.properties(m.resource('Orders', 'Live')).FunctionVersion).toBe('2');
    expect(m.identity(m.resource('Orders', 'Live')).ref).toBe(`${fnArn}:live`);
  });

  it('imports across stacks and leaves out resources whose condition is false', () => {
    const m = model();
    expect(m.properties(m.resource('Consumer', 'Reader'))).toMatchObject({
      Environment: { Variables: { TABLE: m.identity(m.resource('Orders', 'Store')).name } },
    });
    expect(m.resources('AWS::SNS::Topic')).toEqual([]);
    expect(m.outputs('Orders').StoreName).toBe(m.identity(m.resource('Orders', 'Store')).name);
  });
});
