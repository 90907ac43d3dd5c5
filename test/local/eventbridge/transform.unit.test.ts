import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { parseJsonPath, selectPath } from '../../../local/eventbridge/jsonpath.js';
import { compileTargetInput } from '../../../local/eventbridge/transform.js';

// The guide's example event and input paths:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', count: 3, tags: { env: 'prod' } },
};
const context = {
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ruleName: 'example',
  ingestionTime: '2015-11-11T21:29:55Z',
};
const InputPathsMap = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' };
const render = (InputTemplate: string, paths: Record<string, string> = InputPathsMap) =>
  compileTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate } })(event, context);

describe('JSONPath subset', () => {
  it.each([
    ['$', event],
    ['$.detail.state', 'RUNNING'],
    ['$.detail.instance-id', 'i-0123456789'],
    ['$.resources[0]', 'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
    ["$['detail-type']", 'EC2 Instance State-change Notification'],
    ['$.detail.tags', { env: 'prod' }],
    ['$.detail.missing', undefined],
    ['$.resources[5]', undefined],
  ])('%s', (path, expected) => {
    expect(selectPath(event, parseJsonPath(path))).toEqual(expected);
  });

  it.each(['detail.state', '$.', '$..a', '$[x]'])('rejects %s', (path) => {
    expect(() => parseJsonPath(path)).toThrow(AwsError);
  });
});

describe('Input and InputPath', () => {
  it('passes the whole event by default', () => {
    expect(JSON.parse(compileTargetInput({})(event, context))).toEqual(event);
  });
  it('passes Input as given', () => {
    expect(compileTargetInput({ Input: '{"constant":true}' })(event, context)).toBe('{"constant":true}');
  });
  it('passes the InputPath selection as JSON', () => {
    expect(compileTargetInput({ InputPath: '$.detail' })(event, context)).toBe(JSON.stringify(event.detail));
    expect(compileTargetInput({ InputPath: '$.detail.state' })(event, context)).toBe('"RUNNING"');
  });
  it('refuses more than one input option', () => {
    expect(() => compileTargetInput({ Input: '{}', InputPath: '$' })).toThrow(/Only one of Input, InputPath/);
  });
});

describe('InputTransformer: the guide examples', () => {
  it('simple string', () => {
    expect(render('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });
  it('string with escaped quotes', () => {
    expect(render('"instance \\"<instance>\\" is in <state>"')).toBe(
      '"instance \\"i-0123456789\\" is in RUNNING"',
    );
  });
  it('simple JSON: whole values are quoted', () => {
    expect(JSON.parse(render('{\n  "instance" : <instance>,\n  "state": <state>\n}'))).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
    });
  });
  it('JSON with strings and variables', () => {
    const out = render(
      '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}',
    );
    expect(JSON.parse(out)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });
  it('JSON with a mix of variables and static information, minified', () => {
    const out = render(
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}',
    );
    expect(out).toBe('{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}');
  });
  it('reserved variables in JSON', () => {
    const out = render(
      '{"instance": <instance>, "ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "originalEvent": <aws.events.event>, "at": <aws.events.event.ingestion-time>}',
    );
    expect(JSON.parse(out)).toEqual({
      instance: 'i-0123456789',
      ruleArn: context.ruleArn,
      ruleName: 'example',
      originalEvent: event,
      at: context.ingestionTime,
    });
  });
  it('reserved variables in a string', () => {
    expect(render('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });
  it('the CloudWatch log group example', () => {
    const out = render(
      '{\n  "timestamp" : <timestamp>,\n  "message": "instance \\"<instance>\\" is in <state>"\n}',
    );
    expect(JSON.parse(out)).toEqual({
      timestamp: '2015-11-11T21:29:54Z',
      message: 'instance "i-0123456789" is in RUNNING',
    });
  });
});

describe('InputTransformer: quoting rules', () => {
  const paths = {
    state: '$.detail.state',
    count: '$.detail.count',
    tags: '$.detail.tags',
    missing: '$.detail.nope',
  };
  it('a non-JSON template gets raw text', () => {
    expect(render('Instance <instance> is <state> (<count>) <tags>', { ...InputPathsMap, ...paths })).toBe(
      'Instance i-0123456789 is RUNNING (3) {"env":"prod"}',
    );
  });
  it('numbers and objects keep their JSON form as whole values and inside strings', () => {
    expect(JSON.parse(render('{"n": <count>, "t": <tags>, "s": "n=<count>"}', paths))).toEqual({
      n: 3,
      t: { env: 'prod' },
      s: 'n=3',
    });
  });
  it('a string value is inserted raw (AWS does not escape it)', () => {
    const quoted = { ...event, detail: { ...event.detail, state: 'say "hi"' } };
    const out = compileTargetInput({
      InputTransformer: { InputPathsMap: { state: '$.detail.state' }, InputTemplate: '{"s": "<state>"}' },
    })(quoted, context);
    expect(out).toBe('{"s": "say "hi""}');
  });
  it('a missing path is null as a whole value and nothing inside a string', () => {
    expect(JSON.parse(render('{"m": <missing>, "s": "[<missing>]"}', paths))).toEqual({ m: null, s: '[]' });
  });
  it('aws.events.event.json is the event as a string, escaped inside a JSON string', () => {
    const whole = JSON.parse(render('{"e": <aws.events.event.json>}'));
    expect(JSON.parse(whole.e)).toEqual(event);
    const inside = JSON.parse(render('{"e": "<aws.events.event.json>"}'));
    expect(JSON.parse(inside.e)).toEqual(event);
  });
  it('unknown placeholders and angle brackets stay as written', () => {
    expect(render('<b>bold</b> <unknown> <state>', { state: '$.detail.state' })).toBe(
      '<b>bold</b> <unknown> RUNNING',
    );
  });
  it('refuses reserved and malformed variable names, and more than 100 variables', () => {
    expect(() => render('<x>', { 'aws.events.rule-arn': '$.id' })).toThrow(/reserved/);
    expect(() => render('<x>', { 'bad name': '$.id' })).toThrow(/Invalid InputPathsMap key/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']));
    expect(() => render('<v0>', many)).toThrow(/at most 100/);
    expect(() => render('<x>', { x: 'detail' })).toThrow(/Invalid JSON path/);
  });
});
