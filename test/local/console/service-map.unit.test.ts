/**
 * The service map from templates: a shop stack and a saga stack as CDK writes them (aliases named
 * `<function>:live`, ARNs through `Fn::GetAtt`, a state machine definition joined from parts), and the boxes and
 * arrows the console draws from them. The real app's map is checked in console.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { StackArtifact } from '../../../local/assembly/cloud-assembly.js';
import { CloudModel } from '../../../local/assembly/model.js';
import type { CfnTemplate } from '../../../local/assembly/template.js';
import { buildServiceMap, type ServiceMap } from '../../../local/console/service-map.js';

const stack = (stackName: string, template: CfnTemplate): StackArtifact => ({
  id: stackName,
  stackName,
  directory: '/assembly',
  template,
  dependencies: [],
});
const path = (stackName: string, construct: string) => ({ 'aws:cdk:path': `${stackName}/${construct}` });
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
/** What CDK's `alias.functionName` gives an event source mapping: `<function name>:live`. */
const aliasName = (fn: string) => ({ 'Fn::Join': ['', [{ Ref: fn }, ':live']] });

const shop = stack('Shop', {
  Resources: {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'shop-bus' }, Metadata: path('Shop', 'Bus') },
    Store: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } },
      Metadata: path('Shop', 'EventStore/Table/Resource'),
    },
    View: { Type: 'AWS::DynamoDB::Table', Properties: {}, Metadata: path('Shop', 'OrderView/Resource') },
    Relay: {
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { BUS_NAME: 'shop-bus' } } },
      Metadata: path('Shop', 'EventStore/Relay/Function/Resource'),
    },
    Projector: {
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { VIEW_TABLE: { Ref: 'View' }, LOG_LEVEL: 'INFO' } } },
      Metadata: path('Shop', 'Projector/Function/Resource'),
    },
    ProjectorDlq: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: path('Shop', 'ProjectorQueue/Dlq') },
    ProjectorQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { RedrivePolicy: { deadLetterTargetArn: arnOf('ProjectorDlq'), maxReceiveCount: 5 } },
      Metadata: path('Shop', 'ProjectorQueue/Resource'),
    },
    RuleDlq: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: path('Shop', 'ViewRule/DeadLetterQueue') },
    ViewRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: 'shop-view',
        EventBusName: { Ref: 'Bus' },
        EventPattern: { source: ['shop.orders'] },
        Targets: [{ Id: 'T0', Arn: arnOf('ProjectorQueue'), DeadLetterConfig: { Arn: arnOf('RuleDlq') } }],
      },
    },
    StreamMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Store', 'StreamArn'] },
        FunctionName: aliasName('Relay'),
      },
    },
    QueueMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: arnOf('ProjectorQueue'), FunctionName: aliasName('Projector') },
    },
  },
  Outputs: { BusArn: { Value: arnOf('Bus'), Export: { Name: 'Shop:BusArn' } } },
});

const sagas = stack('Sagas', {
  Resources: {
    Charge: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: path('Sagas', 'Charge/Resource') },
    ChargeLive: {
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: 'Charge' }, FunctionVersion: '1', Name: 'live' },
    },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"',
              { Ref: 'ChargeLive' },
              '"},"Next":"Tell"},"Tell":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries":[{"EventBusName":"shop-bus"}]},"End":true}}}',
            ],
          ],
        },
      },
      Metadata: path('Sagas', 'Fulfillment/StateMachine/Resource'),
    },
    StartDlq: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: path('Sagas', 'Fulfillment/Dlq') },
    StartRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: 'start-fulfillment',
        EventBusName: { 'Fn::ImportValue': 'Shop:BusArn' },
        EventPattern: { 'detail-type': ['OrderPlaced'] },
        Targets: [{ Id: 'T0', Arn: { Ref: 'Machine' }, DeadLetterConfig: { Arn: arnOf('StartDlq') } }],
      },
    },
  },
});

function shopMap(): { map: ServiceMap; model: CloudModel } {
  const model = new CloudModel([shop, sagas], {
    accountId: '000000000000',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
  });
  // What the local DynamoDB tells the model once the table runs.
  const store = model.resource('Shop', 'Store');
  model.setAttribute(store, 'StreamArn', `${model.identity(store).arn}/stream/2026-12-05T00:00:00.000`);
  return { map: buildServiceMap(model), model };
}

/** `kind from → to (label)`, by the boxes' labels: what a person reads on the map. */
function arrows(map: ServiceMap): string[] {
  const label = (id: string) => map.nodes.find((node) => node.id === id)?.label ?? id;
  return map.edges
    .map(
      (edge) => `${edge.kind} ${label(edge.from)} → ${label(edge.to)}${edge.label ? ` (${edge.label})` : ''}`,
    )
    .sort();
}

describe('the service map', () => {
  it('has a box per function, table, queue, bus and state machine, by stack and construct path', () => {
    const { map } = shopMap();
    const boxes = map.nodes.map((node) => `${node.stack} ${node.kind} ${node.label}`).sort();
    expect(boxes).toEqual([
      'Sagas function Charge',
      'Sagas queue Fulfillment/Dlq',
      'Sagas stateMachine Fulfillment/StateMachine',
      'Shop bus Bus',
      'Shop function EventStore/Relay',
      'Shop function Projector',
      'Shop queue ProjectorQueue',
      'Shop queue ProjectorQueue/Dlq',
      'Shop queue ViewRule/DeadLetterQueue',
      'Shop table EventStore',
      'Shop table OrderView',
    ]);
  });

  it('draws rules to their targets and DLQs, event sources, redrives, the saga’s tasks and what a function names', () => {
    expect(arrows(shopMap().map)).toEqual([
      'dlq Fulfillment/StateMachine → Fulfillment/Dlq (start-fulfillment)',
      'dlq ProjectorQueue → ViewRule/DeadLetterQueue (shop-view)',
      // An alias named `<function>:live` is its function: the mappings reach the functions' boxes.
      'mapping EventStore → EventStore/Relay',
      'mapping ProjectorQueue → Projector',
      'redrive ProjectorQueue → ProjectorQueue/Dlq',
      'rule Bus → Fulfillment/StateMachine (start-fulfillment)',
      'rule Bus → ProjectorQueue (shop-view)',
      'task Fulfillment/StateMachine → Bus',
      'task Fulfillment/StateMachine → Charge',
      'uses EventStore/Relay → Bus',
      'uses Projector → OrderView',
    ]);
  });
});
