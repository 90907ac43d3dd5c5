// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the Fn::Sub strings are CloudFormation's, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { IntrinsicResolver, type ResolverBindings } from '../../local/assembly/intrinsics.js';
import type { CfnTemplate } from '../../local/assembly/template.js';
import { LocalCloudError } from '../../local/core/errors.js';

const template: CfnTemplate = {
  Parameters: {
    BootstrapVersion: {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/cdk-bootstrap/hnb659fds/version',
    },
    Stage: { Type: 'String', Default: 'dev' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a,b' },
    Required: { Type: 'String' },
  },
  Mappings: { Sizes: { dev: { Memory: 256 } } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    InUsEast: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    DevInUsEast: { 'Fn::And': [{ Condition: 'IsDev' }, { Condition: 'InUsEast' }] },
    AnyOf: { 'Fn::Or': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['x', 'x'] }] },
  },
  Resources: {},
};

const bindings: ResolverBindings = {
  stackName: 'Orders',
  accountId: '000000000000',
  region: 'us-east-1',
  ref: (logicalId) => `${logicalId}-physical`,
  getAtt: (logicalId, attribute) => `arn:${logicalId}:${attribute}`,
  importValue: (name) => (name === 'Platform:BusName' ? 'commerce-bus' : undefined),
  ssmParameter: (name) => (name === '/cdk-bootstrap/hnb659fds/version' ? '30' : undefined),
};

const resolver = () => new IntrinsicResolver(template, bindings);

describe('IntrinsicResolver', () => {
  it('resolves Ref to resources, parameters and pseudo parameters', () => {
    const r = resolver();
    expect(r.resolve({ Ref: 'Table' })).toBe('Table-physical');
    expect(r.resolve({ Ref: 'Stage' })).toBe('dev');
    expect(r.resolve({ Ref: 'Zones' })).toEqual(['a', 'b']);
    expect(r.resolve({ Ref: 'BootstrapVersion' })).toBe('30');
    expect(
      r.resolve(
        ['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map(
          (Ref) => ({ Ref }),
        ),
      ),
    ).toEqual(['000000000000', 'us-east-1', 'aws', 'amazonaws.com', 'Orders']);
  });

  it('uses given parameter values over defaults and fails on a parameter without either', () => {
    expect(
      new IntrinsicResolver(template, { ...bindings, parameters: { Stage: 'prod' } }).condition('IsProd'),
    ).toBe(true);
    expect(() => resolver().resolve({ Ref: 'Required' })).toThrow(LocalCloudError);
  });

  it('resolves Fn::GetAtt in both forms', () => {
    expect(resolver().resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toBe('arn:Table:StreamArn');
    expect(resolver().resolve({ 'Fn::GetAtt': 'Queue.Arn' })).toBe('arn:Queue:Arn');
  });

  it('joins, splits and selects, nesting as CDK writes them', () => {
    const r = resolver();
    expect(r.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/x']] })).toBe(
      'arn:aws:iam::aws:policy/x',
    );
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'table/Orders/stream/1'] }] })).toBe('Orders');
    expect(r.resolve({ 'Fn::Join': [',', { 'Fn::Split': ['|', 'a|b'] }] })).toBe('a,b');
    expect(() => r.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/out of range/);
  });

  it('substitutes Fn::Sub in both forms, with attributes, pseudo parameters and escapes', () => {
    const r = resolver();
    expect(r.resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' })).toBe(
      'cdk-000000000000-us-east-1',
    );
    expect(r.resolve({ 'Fn::Sub': '${Table}/${Table.Arn}/${Stage}' })).toBe(
      'Table-physical/arn:Table:Arn/dev',
    );
    expect(r.resolve({ 'Fn::Sub': ['${Name}-${AWS::StackName}', { Name: { Ref: 'Queue' } }] })).toBe(
      'Queue-physical-Orders',
    );
    expect(r.resolve({ 'Fn::Sub': '${!Literal} and ${Stage}' })).toBe('${Literal} and dev');
  });

  it('imports values exported by other stacks', () => {
    expect(resolver().resolve({ 'Fn::ImportValue': 'Platform:BusName' })).toBe('commerce-bus');
  });

  it('evaluates conditions and Fn::If, dropping AWS::NoValue', () => {
    const r = resolver();
    expect(r.condition('IsProd')).toBe(false);
    expect(r.condition('IsDev')).toBe(true);
    expect(r.condition('DevInUsEast')).toBe(true);
    expect(r.condition('AnyOf')).toBe(true);
    expect(
      r.resolve({
        Memory: { 'Fn::If': ['IsProd', 1024, { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] }] },
        Alarm: { 'Fn::If': ['IsProd', 'on', { Ref: 'AWS::NoValue' }] },
        List: ['a', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'b'] }],
      }),
    ).toEqual({ Memory: 256, List: ['a'] });
  });

  it('leaves plain values alone and handles Base64, GetAZs and ToJsonString', () => {
    const r = resolver();
    expect(r.resolve({ a: [1, true, null, 'x'], nested: { Key: 'Value' } })).toEqual({
      a: [1, true, null, 'x'],
      nested: { Key: 'Value' },
    });
    expect(r.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(r.resolve({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })).toBe('us-east-1a');
    expect(r.resolve({ 'Fn::ToJsonString': { Table: { Ref: 'Table' } } })).toBe('{"Table":"Table-physical"}');
  });

  it('fails loudly on an unknown intrinsic or condition', () => {
    expect(() => resolver().resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toThrow(/not supported locally/);
    expect(() => resolver().condition('Nope')).toThrow(/unknown condition/);
  });
});
