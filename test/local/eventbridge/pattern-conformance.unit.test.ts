import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { matchesEventPattern, validateEventPattern } from '../../../local/eventbridge/pattern.js';

/**
 * Conformance of the local event-pattern engine with the Amazon EventBridge User Guide: for each operator, the
 * guide's example patterns and events, what they match, what they do not, and the patterns AWS rejects (with
 * event-ruler's reason, which AWS returns in the InvalidEventPatternException message).
 */

interface Case {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly match: readonly unknown[];
  readonly noMatch: readonly unknown[];
}
interface Rejection {
  readonly name: string;
  readonly pattern: unknown;
  readonly reason: string;
}

/** The guide's EC2 state-change event, with `detail` (and any top-level field) replaced. */
const ec2 = (detail: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail,
  ...top,
});

function runCases(cases: readonly Case[]) {
  for (const c of cases) {
    describe(c.name, () => {
      c.match.forEach((event, i) => {
        it(`matches example ${i + 1}`, () => expect(matchesEventPattern(c.pattern, event)).toBe(true));
      });
      c.noMatch.forEach((event, i) => {
        it(`does not match counter-example ${i + 1}`, () =>
          expect(matchesEventPattern(c.pattern, event)).toBe(false));
      });
    });
  }
}

function runRejections(rejections: readonly Rejection[]) {
  for (const r of rejections) {
    it(`rejects ${r.name}`, () => {
      let thrown: unknown;
      try {
        validateEventPattern(r.pattern as string);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AwsError);
      expect((thrown as AwsError).code).toBe('InvalidEventPatternException');
      expect((thrown as AwsError).message).toBe(`Event pattern is not valid. Reason: ${r.reason}`);
    });
  }
}

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
// "Event pattern syntax": exact values, several values in one array, nesting, AND across fields.
describe('exact values and structure', () => {
  runCases([
    {
      name: 'the guide pattern: source, detail-type and detail.state',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      match: [ec2({ 'instance-id': 'i-1', state: 'terminated' })],
      noMatch: [
        ec2({ 'instance-id': 'i-1', state: 'running' }),
        ec2({ state: 'terminated' }, { source: 'aws.s3' }),
        ec2({ 'instance-id': 'i-1' }),
      ],
    },
    {
      name: 'several values: EC2 or Fargate',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      match: [ec2({}, { source: 'aws.ec2' }), ec2({}, { source: 'aws.fargate' })],
      noMatch: [ec2({}, { source: 'aws.s3' })],
    },
    {
      name: 'values are case-sensitive and compared as JSON values',
      pattern: { detail: { state: ['terminated'], count: [5], flag: [true] } },
      match: [
        ec2({ state: 'terminated', count: 5, flag: true }),
        ec2({ state: 'terminated', count: 5.0, flag: true }),
      ],
      noMatch: [
        ec2({ state: 'Terminated', count: 5, flag: true }),
        ec2({ state: 'terminated', count: '5', flag: true }),
        ec2({ state: 'terminated', count: 5, flag: 'true' }),
      ],
    },
    {
      name: 'numbers match numerically (300 = 3.0e2)',
      pattern: { detail: { 'x-limit': [300] } },
      match: [ec2({ 'x-limit': 3.0e2 }), ec2({ 'x-limit': 300.0 })],
      noMatch: [ec2({ 'x-limit': 301 }), ec2({ 'x-limit': '300' })],
    },
    {
      name: 'a field of the pattern must be present at the same nesting',
      pattern: { detail: { state: ['terminated'] } },
      match: [ec2({ state: 'terminated' })],
      noMatch: [ec2({}, { state: 'terminated' }), ec2({ nested: { state: 'terminated' } })],
    },
    {
      name: 'a later duplicate key wins (the guide note on content filtering)',
      pattern: JSON.parse(
        '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
      ),
      match: [ec2({ location: 'eu-west' }), ec2({ location: 'us-west' })],
      noMatch: [ec2({ location: 'us-east' })],
    },
  ]);
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/arrays-in-eventbridge-event-patterns.html
describe('arrays', () => {
  runCases([
    {
      name: 'the guide example: intersection of the pattern array and the event array is not empty',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      match: [
        ec2(
          {},
          {
            resources: [
              'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
              'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
            ],
          },
        ),
      ],
      noMatch: [
        ec2({}, { resources: [] }),
        ec2({}, { resources: ['arn:aws:ec2:us-east-1:999:instance/i-b188560f'] }),
      ],
    },
    {
      name: 'an array of objects: one element must match the whole nested pattern',
      pattern: { detail: { items: { sku: ['A'], quantity: [2] } } },
      match: [
        ec2({
          items: [
            { sku: 'B', quantity: 1 },
            { sku: 'A', quantity: 2 },
          ],
        }),
      ],
      noMatch: [
        ec2({
          items: [
            { sku: 'A', quantity: 1 },
            { sku: 'B', quantity: 2 },
          ],
        }),
      ],
    },
    {
      name: 'nested arrays are flattened',
      pattern: { detail: { tags: ['blue'] } },
      match: [ec2({ tags: [['red'], ['green', 'blue']] })],
      noMatch: [ec2({ tags: [['red'], []] })],
    },
  ]);
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
describe('null values and empty strings', () => {
  const event = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };
  runCases([
    {
      name: 'an empty string',
      pattern: { detail: { eventVersion: [''] } },
      match: [event],
      noMatch: [
        { ...event, detail: { eventVersion: null } },
        { ...event, detail: { eventVersion: '1.0' } },
      ],
    },
    {
      name: 'null',
      pattern: { detail: { responseElements: [null] } },
      match: [event],
      noMatch: [
        { ...event, detail: { responseElements: '' } },
        { ...event, detail: {} },
      ],
    },
  ]);
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
// (operators summary: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html)
describe('prefix', () => {
  runCases([
    {
      name: 'the guide example: time starts with 2017-10-02',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      match: [ec2({}, { time: '2017-10-02T18:43:48Z' })],
      noMatch: [ec2({}, { time: '2017-10-03T18:43:48Z' }), ec2({}, { time: 20171002 })],
    },
    {
      name: 'Region is in the US (operators table)',
      pattern: { detail: { Region: [{ prefix: 'us-' }] } },
      match: [ec2({ Region: 'us-east-1' }), ec2({ Region: ['eu-west-1', 'us-west-2'] })],
      noMatch: [ec2({ Region: 'eu-west-1' }), ec2({ Region: 'US-east-1' })],
    },
    {
      name: 'prefix with equals-ignore-case: service starts with EventB in any case',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      match: [ec2({ service: 'EventBridge' }), ec2({ service: 'EVENTBRIDGE' }), ec2({ service: 'eventbus' })],
      noMatch: [ec2({ service: 'Lambda' }), ec2({ service: 'MyEventBridge' })],
    },
  ]);
});

describe('suffix', () => {
  runCases([
    {
      name: 'the guide example: FileName ends with .png',
      pattern: { FileName: [{ suffix: '.png' }] },
      match: [{ FileName: 'image.png' }],
      noMatch: [{ FileName: 'image.PNG' }, { FileName: 'image.png.txt' }],
    },
    {
      name: 'suffix with equals-ignore-case: .png or .PNG',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      match: [ec2({ FileName: 'photo.png' }), ec2({ FileName: 'photo.PNG' }), ec2({ FileName: 'photo.Png' })],
      noMatch: [ec2({ FileName: 'photo.jpg' })],
    },
    {
      name: 'service name ends with tbridge in any case (operators table)',
      pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBriDgE' } }] },
      match: [{ service: 'EventBridge' }, { service: 'EVENTBRIDGE' }],
      noMatch: [{ service: 'EventBus' }],
    },
  ]);
});

describe('anything-but', () => {
  runCases([
    {
      name: 'a string: state is anything but initializing',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      match: [
        ec2({ state: 'running' }),
        ec2({ state: 'INITIALIZING' }),
        ec2({ state: ['initializing', 'running'] }),
      ],
      noMatch: [ec2({ state: 'initializing' }), ec2({})],
    },
    {
      name: 'a number: x-limit is anything but 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      match: [ec2({ 'x-limit': 124 }), ec2({ 'x-limit': '123' })],
      noMatch: [ec2({ 'x-limit': 123 }), ec2({ 'x-limit': 1.23e2 })],
    },
    {
      name: 'a list of strings: anything but stopped or overloaded',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      match: [ec2({ state: 'running' })],
      noMatch: [ec2({ state: 'stopped' }), ec2({ state: 'overloaded' })],
    },
    {
      name: 'a list of numbers: anything but 100, 200, 300',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      match: [ec2({ 'x-limit': 150 })],
      noMatch: [ec2({ 'x-limit': 200 }), ec2({ 'x-limit': 3e2 })],
    },
    {
      name: 'a prefix: state does not start with init',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      match: [ec2({ state: 'running' }), ec2({ state: 'INITIALIZING' })],
      noMatch: [ec2({ state: 'initializing' }), ec2({ state: 'init' })],
    },
    {
      name: 'a suffix: FileName does not end with .txt',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
      match: [ec2({ FileName: 'notes.md' })],
      noMatch: [ec2({ FileName: 'notes.txt' })],
    },
    {
      name: 'equals-ignore-case: anything but initializing in any case',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      match: [ec2({ state: 'running' })],
      noMatch: [
        ec2({ state: 'initializing' }),
        ec2({ state: 'INITIALIZING' }),
        ec2({ state: 'Initializing' }),
      ],
    },
    {
      name: 'equals-ignore-case with a list',
      pattern: {
        detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      },
      match: [ec2({ state: 'running' })],
      noMatch: [ec2({ state: 'STOPPED' }), ec2({ state: 'Initializing' })],
    },
    {
      name: 'a wildcard: FilePath is not a path that includes /lib/',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      match: [ec2({ FilePath: '/usr/bin/node' })],
      noMatch: [ec2({ FilePath: '/usr/lib/node' })],
    },
    {
      name: 'a list of wildcards',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
      match: [ec2({ FilePath: '/usr/share/doc' })],
      noMatch: [ec2({ FilePath: '/usr/lib/x' }), ec2({ FilePath: '/usr/bin/x' })],
    },
    {
      name: 'a list of prefixes',
      pattern: { detail: { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] } },
      match: [ec2({ Region: 'ap-south-1' })],
      noMatch: [ec2({ Region: 'us-east-1' }), ec2({ Region: 'eu-west-1' })],
    },
  ]);
});

describe('numeric', () => {
  runCases([
    {
      name: 'the guide example: c-count in (0, 5], d-count < 10, x-limit = 3.018e2 (all must hold)',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      match: [
        ec2({ 'c-count': 5, 'd-count': 9.99, 'x-limit': 301.8 }),
        ec2({ 'c-count': 0.000001, 'd-count': -3, 'x-limit': 301.8 }),
      ],
      noMatch: [
        ec2({ 'c-count': 0, 'd-count': 1, 'x-limit': 301.8 }),
        ec2({ 'c-count': 5.000001, 'd-count': 1, 'x-limit': 301.8 }),
        ec2({ 'c-count': 3, 'd-count': 10, 'x-limit': 301.8 }),
        ec2({ 'c-count': 3, 'd-count': 1, 'x-limit': 301.9 }),
        ec2({ 'c-count': '3', 'd-count': 1, 'x-limit': 301.8 }),
      ],
    },
    {
      name: 'numbers compare as numbers, not text (9 < 10)',
      pattern: { detail: { n: [{ numeric: ['>=', 9, '<', 10] }] } },
      match: [ec2({ n: 9 }), ec2({ n: 9.5 }), ec2({ n: [100, 9.2] })],
      noMatch: [ec2({ n: 10 }), ec2({ n: 100 }), ec2({ n: 8.999999 })],
    },
    {
      name: 'comparisons hold to six decimal places (guide: six digits to the right of the point)',
      pattern: { detail: { n: [{ numeric: ['=', 0.1] }] } },
      match: [ec2({ n: 0.1 }), ec2({ n: 0.1000001 })],
      noMatch: [ec2({ n: 0.100001 })],
    },
    {
      name: 'values outside ±5.0e9 never match a range',
      pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
      match: [ec2({ n: 5e9 })],
      noMatch: [ec2({ n: 5e9 + 1 })],
    },
    {
      name: 'the operators table: Price is between 10 and 20, inclusive',
      pattern: { Price: [{ numeric: ['>=', 10, '<=', 20] }] },
      match: [{ Price: 10 }, { Price: 20 }],
      noMatch: [{ Price: 9.99 }, { Price: 20.01 }],
    },
  ]);
});

describe('IP address (cidr)', () => {
  runCases([
    {
      name: 'the guide example: 10.0.0.0/24',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      match: [ec2({ sourceIPAddress: '10.0.0.0' }), ec2({ sourceIPAddress: '10.0.0.255' })],
      noMatch: [
        ec2({ sourceIPAddress: '10.0.1.0' }),
        ec2({ sourceIPAddress: 'not-an-ip' }),
        ec2({ sourceIPAddress: 167772160 }),
      ],
    },
    {
      name: 'IPv6: 2001:db8::/64',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } },
      match: [
        ec2({ sourceIPAddress: '2001:db8::1' }),
        ec2({ sourceIPAddress: '2001:0db8:0000:0000:ffff:ffff:ffff:ffff' }),
      ],
      noMatch: [ec2({ sourceIPAddress: '2001:db8:0:1::1' }), ec2({ sourceIPAddress: '10.0.0.1' })],
    },
    {
      name: 'an exact IP value matches the same address written differently',
      pattern: { detail: { sourceIPAddress: ['2001:db8::1'] } },
      match: [ec2({ sourceIPAddress: '2001:0db8:0:0:0:0:0:1' })],
      noMatch: [ec2({ sourceIPAddress: '2001:db8::2' })],
    },
  ]);
});

describe('exists', () => {
  runCases([
    {
      name: 'the guide example: detail.state exists',
      pattern: { detail: { state: [{ exists: true }] } },
      match: [
        {
          version: '0',
          id: '7bf73129-1428-4cd3-a780-95db273d1602',
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          account: '123456789012',
          time: '2015-11-11T21:29:54Z',
          region: 'us-east-1',
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
          detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
        },
      ],
      noMatch: [
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
          detail: { 'c-count': { c1: 100 } },
        },
      ],
    },
    {
      name: 'the guide example: detail.c-count does not exist (an object is not a leaf)',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      match: [
        ec2({ state: ['initializing', 'running'] }),
        ec2({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
        ec2({}, { detail: undefined }),
      ],
      noMatch: [ec2({ 'c-count': 1 }), ec2({ 'c-count': null })],
    },
    {
      name: 'exists only works on leaves: an intermediate node does not exist as a leaf',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      match: [ec2({ 'c-count': 0 }), ec2({ 'c-count': '' })],
      noMatch: [ec2({ 'c-count': { c1: 100 } })],
    },
    {
      name: 'null is a value: it exists',
      pattern: { detail: { responseElements: [{ exists: true }] } },
      match: [ec2({ responseElements: null })],
      noMatch: [ec2({})],
    },
    {
      name: 'an empty array holds no leaf: it does not exist',
      pattern: { detail: { tags: [{ exists: false }] } },
      match: [ec2({ tags: [] }), ec2({})],
      noMatch: [ec2({ tags: ['a'] })],
    },
    {
      name: 'exists false looks across every element of an array of objects',
      pattern: { detail: { items: { discount: [{ exists: false }] } } },
      match: [ec2({ items: [{ sku: 'A' }, { sku: 'B' }] }), ec2({})],
      noMatch: [ec2({ items: [{ sku: 'A' }, { sku: 'B', discount: 5 }] })],
    },
    {
      name: 'exists false beside a value in the same array: missing or that value',
      pattern: { detail: { state: ['running', { exists: false }] } },
      match: [ec2({ state: 'running' }), ec2({})],
      noMatch: [ec2({ state: 'stopped' })],
    },
  ]);
});

describe('equals-ignore-case', () => {
  runCases([
    {
      name: 'the guide example: detail-type in any case',
      pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
      match: [ec2({}), ec2({}, { 'detail-type': 'EC2 INSTANCE STATE-CHANGE NOTIFICATION' })],
      noMatch: [ec2({}, { 'detail-type': 'EC2 Instance State-change Notifications' })],
    },
    {
      name: 'Name is Alice (operators table)',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      match: [{ Name: 'Alice' }, { Name: 'ALICE' }],
      noMatch: [{ Name: 'Alicia' }, { Name: null }],
    },
  ]);
});

describe('wildcard', () => {
  runCases([
    {
      name: 'the guide example: any event bus ARN in us-east-1',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      match: [
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
        { EventBusArn: 'arn:aws:events:us-east-1::event-bus/' },
      ],
      noMatch: [{ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' }],
    },
    {
      name: 'a wildcard matches zero or more characters: dir/*.png',
      pattern: { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } },
      match: [
        ec2({ FilePath: 'dir/a.png' }),
        ec2({ FilePath: 'dir/.png' }),
        ec2({ FilePath: 'dir/sub/a.png' }),
      ],
      noMatch: [ec2({ FilePath: 'dir/a.jpg' }), ec2({ FilePath: 'other/a.png' })],
    },
    {
      name: 'several wildcards: *Title*',
      pattern: { detail: { name: [{ wildcard: '*Title*' }] } },
      match: [ec2({ name: 'Title' }), ec2({ name: 'MyTitleHere' })],
      noMatch: [ec2({ name: 'title' })],
    },
    {
      name: 'an escaped \\* is a literal asterisk and \\\\ a literal backslash',
      pattern: { detail: { name: [{ wildcard: 'a\\*b\\\\c*' }] } },
      match: [ec2({ name: 'a*b\\c' }), ec2({ name: 'a*b\\cde' })],
      noMatch: [ec2({ name: 'axb\\c' }), ec2({ name: 'a*bc' })],
    },
    {
      name: 'regular-expression characters are plain characters',
      pattern: { detail: { name: [{ wildcard: 'a.b+(c)*' }] } },
      match: [ec2({ name: 'a.b+(c)' })],
      noMatch: [ec2({ name: 'aXbb(c)' })],
    },
  ]);
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html#eb-filtering-complex-example
describe('$or and combined matching', () => {
  runCases([
    {
      name: 'the guide example: $or across c-count, d-count and x-limit',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      match: [
        ec2({ 'c-count': 3 }),
        ec2({ 'd-count': 2 }),
        ec2({ 'x-limit': 301.8 }),
        ec2({ 'c-count': 50, 'd-count': 2 }),
      ],
      noMatch: [ec2({ 'c-count': 50, 'd-count': 20, 'x-limit': 1 }), ec2({})],
    },
    {
      name: 'the guide example: source AND (metricName OR namespace)',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      match: [
        { source: 'aws.cloudwatch', metricName: 'ReadLatency' },
        { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      ],
      noMatch: [
        { source: 'aws.ec2', metricName: 'ReadLatency' },
        { source: 'aws.cloudwatch', metricName: 'Other' },
      ],
    },
    {
      name: 'nested $or with a multi-field branch',
      pattern: {
        $or: [
          { detail: { state: ['running'], 'c-count': [1] } },
          { $or: [{ source: ['a'] }, { source: ['b'] }] },
        ],
      },
      match: [ec2({ state: 'running', 'c-count': 1 }), ec2({}, { source: 'b' })],
      noMatch: [ec2({ state: 'running', 'c-count': 2 })],
    },
    {
      name: 'the guide complex example: prefix, anything-but and numeric together',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
      match: [
        ec2(
          { state: 'running', 'c-count': 1, 'd-count': 2, 'x-limit': 150 },
          { time: '2017-10-02T00:00:00Z' },
        ),
      ],
      noMatch: [
        ec2(
          { state: 'initializing', 'c-count': 1, 'd-count': 2, 'x-limit': 150 },
          { time: '2017-10-02T00:00:00Z' },
        ),
        ec2(
          { state: 'running', 'c-count': 1, 'd-count': 2, 'x-limit': 200 },
          { time: '2017-10-02T00:00:00Z' },
        ),
        ec2(
          { state: 'running', 'c-count': 1, 'd-count': 2, 'x-limit': 150 },
          { time: '2017-10-03T00:00:00Z' },
        ),
      ],
    },
    {
      name: 'exactly: a literal string, even one that looks like an IP',
      pattern: { detail: { ip: [{ exactly: '10.0.0.1' }] } },
      match: [ec2({ ip: '10.0.0.1' })],
      noMatch: [ec2({ ip: '10.0.0.2' })],
    },
  ]);
});

// Rejected patterns: the guide's rules (values in arrays, leaf-only operators, one prefix, no consecutive `*`,
// exists true/false, numeric ranges) with the reasons event-ruler gives and AWS returns.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
describe('rejected patterns', () => {
  describe('structure', () => {
    runRejections([
      { name: 'a pattern that is not an object', pattern: '["aws.ec2"]', reason: 'Filter is not an object' },
      { name: 'a string pattern', pattern: '"aws.ec2"', reason: 'Filter is not an object' },
      { name: 'an empty pattern', pattern: {}, reason: 'Empty objects are not allowed' },
      { name: 'a nested empty object', pattern: { detail: {} }, reason: 'Empty objects are not allowed' },
      {
        name: 'a leaf that is a string',
        pattern: { source: 'aws.ec2' },
        reason: '"source" must be an object or an array',
      },
      {
        name: 'a leaf that is a number',
        pattern: { detail: { n: 5 } },
        reason: '"n" must be an object or an array',
      },
      {
        name: 'a leaf that is null',
        pattern: { detail: { n: null } },
        reason: '"n" must be an object or an array',
      },
      { name: 'an empty array', pattern: { source: [] }, reason: 'Empty arrays are not allowed' },
      {
        name: 'an array inside a leaf array',
        pattern: { source: [['aws.ec2']] },
        reason: 'Match value must be String, number, true, false, or null',
      },
      {
        name: 'an empty match expression',
        pattern: { source: [{}] },
        reason: 'Match expression name not found',
      },
      {
        name: 'an unknown operator',
        pattern: { source: [{ contains: 'ec2' }] },
        reason: 'Unrecognized match type contains',
      },
      {
        name: 'two operators in one expression',
        pattern: { source: [{ prefix: 'a', suffix: 'b' }] },
        reason: 'Only one key allowed in match expression',
      },
    ]);
    it('rejects malformed JSON', () => {
      expect(() => validateEventPattern('{"source": [')).toThrow(
        /^Event pattern is not valid. Reason: Invalid JSON/,
      );
    });
  });

  describe('prefix, suffix, equals-ignore-case, exactly', () => {
    runRejections([
      {
        name: 'a numeric prefix',
        pattern: { a: [{ prefix: 5 }] },
        reason: 'prefix match pattern must be a string',
      },
      {
        name: 'a list of prefixes',
        pattern: { a: [{ prefix: ['a', 'b'] }] },
        reason: 'prefix match pattern must be a string',
      },
      {
        name: 'a numeric suffix',
        pattern: { a: [{ suffix: 5 }] },
        reason: 'suffix match pattern must be a string',
      },
      {
        name: 'prefix with an unknown option',
        pattern: { a: [{ prefix: { wildcard: 'x' } }] },
        reason: 'Unsupported prefix pattern: wildcard',
      },
      {
        name: 'suffix with an unknown option',
        pattern: { a: [{ suffix: { exactly: 'x' } }] },
        reason: 'Unsupported suffix pattern: exactly',
      },
      {
        name: 'prefix with an empty object',
        pattern: { a: [{ prefix: {} }] },
        reason: 'Prefix expression name not found',
      },
      {
        name: 'prefix equals-ignore-case with a number',
        pattern: { a: [{ prefix: { 'equals-ignore-case': 1 } }] },
        reason: 'equals-ignore-case match pattern must be a string',
      },
      {
        name: 'equals-ignore-case with a number',
        pattern: { a: [{ 'equals-ignore-case': 1 }] },
        reason: 'equals-ignore-case match pattern must be a string',
      },
      {
        name: 'exactly with a number',
        pattern: { a: [{ exactly: 1 }] },
        reason: 'exact match pattern must be a string',
      },
    ]);
  });

  describe('anything-but', () => {
    runRejections([
      {
        name: 'anything-but with a boolean',
        pattern: { a: [{ 'anything-but': true }] },
        reason: 'Value of anything-but must be an array or single string/number value.',
      },
      {
        name: 'anything-but with mixed strings and numbers',
        pattern: { a: [{ 'anything-but': ['a', 1] }] },
        reason:
          'Inside anything but list, either all values are number or string, mixed type is not supported',
      },
      {
        name: 'anything-but with null in the list',
        pattern: { a: [{ 'anything-but': ['a', null] }] },
        reason: 'Inside anything but list, start|null|boolean is not supported.',
      },
      {
        name: 'anything-but with an unknown inner operator',
        pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
        reason: 'Unsupported anything-but pattern: numeric',
      },
      {
        name: 'anything-but with an empty object',
        pattern: { a: [{ 'anything-but': {} }] },
        reason: 'Anything-But expression name not found',
      },
      {
        name: 'anything-but prefix with a number',
        pattern: { a: [{ 'anything-but': { prefix: 1 } }] },
        reason: 'prefix/suffix match pattern must be a string',
      },
      {
        name: 'anything-but with an empty prefix',
        pattern: { a: [{ 'anything-but': { prefix: '' } }] },
        reason: 'Null prefix/suffix not allowed',
      },
      {
        name: 'anything-but equals-ignore-case with a number',
        pattern: { a: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
        reason: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
      },
      {
        name: 'anything-but wildcard with consecutive wildcards',
        pattern: { a: [{ 'anything-but': { wildcard: 'a**' } }] },
        reason: 'Consecutive wildcard characters at pos 1',
      },
      {
        name: 'anything-but with a number out of range',
        pattern: { a: [{ 'anything-but': 6e9 }] },
        reason: 'Value must be between -5.0E9 and 5.0E9, inclusive',
      },
    ]);
  });

  describe('numeric', () => {
    runRejections([
      {
        name: 'numeric that is not an array',
        pattern: { a: [{ numeric: '>' }] },
        reason: 'Value of numeric must be an array.',
      },
      {
        name: 'an empty numeric range',
        pattern: { a: [{ numeric: [] }] },
        reason: 'Invalid member in numeric match: ]',
      },
      {
        name: 'a range that starts with a number',
        pattern: { a: [{ numeric: [5, '<'] }] },
        reason: 'Invalid member in numeric match: 5',
      },
      {
        name: 'an unknown operator',
        pattern: { a: [{ numeric: ['!=', 5] }] },
        reason: 'Unrecognized numeric range operator: !=',
      },
      {
        name: 'a string operand',
        pattern: { a: [{ numeric: ['>', '5'] }] },
        reason: 'Value of > must be numeric',
      },
      {
        name: 'a missing operand',
        pattern: { a: [{ numeric: ['='] }] },
        reason: 'Value of equals must be numeric',
      },
      {
        name: 'an upper bound then a lower bound',
        pattern: { a: [{ numeric: ['<', 10, '>', 0] }] },
        reason: 'Too many elements in numeric expression',
      },
      {
        name: 'two lower bounds',
        pattern: { a: [{ numeric: ['>', 0, '>=', 5] }] },
        reason: 'Bad numeric range operator: >=',
      },
      {
        name: 'a bottom above the top',
        pattern: { a: [{ numeric: ['>', 10, '<', 5] }] },
        reason: 'Bottom must be less than top',
      },
      {
        name: 'a range with extra terms',
        pattern: { a: [{ numeric: ['>', 0, '<', 5, 6] }] },
        reason: 'Too many terms in numeric range expression',
      },
      {
        name: 'an equals with extra terms',
        pattern: { a: [{ numeric: ['=', 1, '<', 5] }] },
        reason: 'Too many elements in numeric expression',
      },
      {
        name: 'a number beyond 5e9',
        pattern: { a: [{ numeric: ['<', 5.1e9] }] },
        reason: 'Value must be between -5.0E9 and 5.0E9, inclusive',
      },
    ]);
  });

  describe('exists', () => {
    runRejections([
      {
        name: 'exists with a string',
        pattern: { a: [{ exists: 'true' }] },
        reason: 'exists match pattern must be either true or false.',
      },
      {
        name: 'exists with null',
        pattern: { a: [{ exists: null }] },
        reason: 'exists match pattern must be either true or false.',
      },
      {
        name: 'exists with another key',
        pattern: { a: [{ exists: true, prefix: 'x' }] },
        reason: 'Only one key allowed in match expression',
      },
    ]);
  });

  describe('cidr', () => {
    runRejections([
      {
        name: 'cidr without a mask',
        pattern: { ip: [{ cidr: '10.0.0.0' }] },
        reason: "Malformed CIDR, one '/' required",
      },
      {
        name: 'cidr with a text mask',
        pattern: { ip: [{ cidr: '10.0.0.0/x' }] },
        reason: 'Malformed CIDR, mask bits must be an integer',
      },
      {
        name: 'cidr with a negative mask',
        pattern: { ip: [{ cidr: '10.0.0.0/-1' }] },
        reason: 'Malformed CIDR, mask bits must not be negative',
      },
      {
        name: 'cidr with a bad address',
        pattern: { ip: [{ cidr: '10.0.0.256/24' }] },
        reason: 'Invalid IP address: 10.0.0.256',
      },
      {
        name: 'an IPv4 mask of 32 bits',
        pattern: { ip: [{ cidr: '10.0.0.1/32' }] },
        reason: 'IPv4 mask bits must be < 32',
      },
      {
        name: 'an IPv6 mask of 128 bits',
        pattern: { ip: [{ cidr: '::1/128' }] },
        reason: 'IPv6 mask bits must be < 128',
      },
      {
        name: 'cidr with a number',
        pattern: { ip: [{ cidr: 10 }] },
        reason: 'prefix match pattern must be a string',
      },
    ]);
  });

  describe('wildcard', () => {
    runRejections([
      {
        name: 'consecutive wildcards',
        pattern: { a: [{ wildcard: 'abc**' }] },
        reason: 'Consecutive wildcard characters at pos 3',
      },
      {
        name: 'an escape of another character',
        pattern: { a: [{ wildcard: 'a\\b' }] },
        reason: 'Invalid escape character at pos 1',
      },
      {
        name: 'a trailing backslash',
        pattern: { a: [{ wildcard: 'ab\\' }] },
        reason: 'Invalid escape character at pos 2',
      },
      {
        name: 'a wildcard that is not a string',
        pattern: { a: [{ wildcard: ['*'] }] },
        reason: 'wildcard match pattern must be a string',
      },
    ]);
  });

  describe('$or', () => {
    runRejections([
      {
        name: '$or that is not an array',
        pattern: { $or: { a: ['x'] } },
        reason: 'It must be an Array followed with $or.',
      },
      {
        name: '$or with one branch',
        pattern: { $or: [{ a: ['x'] }] },
        reason: 'There must have at least 2 Objects in $or relationship.',
      },
      {
        name: '$or with a value',
        pattern: { $or: [{ a: ['x'] }, 'b'] },
        reason: 'Only JSON object is allowed in array of $or relationship.',
      },
      {
        name: 'an operator name as a field inside $or',
        pattern: { $or: [{ numeric: ['x'] }, { a: ['y'] }] },
        reason: 'numeric is Ruler reserved fieldName which cannot be used inside $or.',
      },
    ]);
  });
});
