import { describe, expect, it } from 'vitest';
import { dynamicParameter } from '../../../local/pipes/config.js';
import { compilePipeTemplate, type PipeVariables } from '../../../local/pipes/input-template.js';

const variables: PipeVariables = {
  pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/example',
  pipeName: 'example',
  sourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/1',
  targetArn: 'arn:aws:events:us-east-1:000000000000:event-bus/b',
  ingestionTime: '2026-11-23T18:00:00.000Z',
};
const event = {
  eventName: 'INSERT',
  dynamodb: {
    NewImage: { pk: { S: 'order-1' }, total: { N: '42' }, payload: { S: '{"key": "value"}' } },
  },
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
  list: [1, 2],
};
const render = (template: string) => compilePipeTemplate(template)(event, variables);

describe('Pipes input templates', () => {
  it("renders AWS's documented example: strings quoted for you, objects as JSON", () => {
    const out = render(
      '{"instance": <$.detail.instance-id>, "state": <$.detail.state>, "pipeArn": <aws.pipes.pipe-arn>, "pipeName": <aws.pipes.pipe-name>, "originalEvent": <aws.pipes.event.json>}',
    );
    expect(JSON.parse(out)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      pipeArn: variables.pipeArn,
      pipeName: 'example',
      originalEvent: event,
    });
  });

  it('accepts quotes around a string placeholder too', () => {
    expect(
      JSON.parse(render('{"id": "<$.dynamodb.NewImage.pk.S>", "total": <$.dynamodb.NewImage.total.N>}')),
    ).toEqual({
      id: 'order-1',
      total: '42',
    });
  });

  it('inserts a JSON-string value as text with its inner quotes removed, never as an object', () => {
    expect(JSON.parse(render('{"payload": <$.dynamodb.NewImage.payload.S>}'))).toEqual({
      payload: '{key: value}',
    });
    expect(render('<$.dynamodb.NewImage.payload.S>')).toBe('"{key: value}"');
  });

  it('removes the quotes of an object referenced inside a string', () => {
    expect(JSON.parse(render('{"text": "Body is <$.detail>"}'))).toEqual({
      text: 'Body is {instance-id:i-0123456789,state:RUNNING}',
    });
  });

  it('keeps arrays and numbers as JSON, a missing path as null, and plain text as text', () => {
    expect(JSON.parse(render('{"list": <$.list>, "first": <$.list[0]>, "missing": <$.nope>}'))).toEqual({
      list: [1, 2],
      first: 1,
      missing: null,
    });
    expect(render('Order <$.dynamodb.NewImage.pk.S> placed')).toBe('Order order-1 placed');
  });
});

describe('dynamic target parameters', () => {
  it('takes a value starting with $. from the event, and any other value as written', () => {
    expect(dynamicParameter('$.dynamodb.NewImage.pk.S', event)).toBe('order-1');
    expect(dynamicParameter('$.list[1]', event)).toBe('2');
    expect(dynamicParameter('OrderPlaced', event)).toBe('OrderPlaced');
    expect(dynamicParameter('$.nope', event)).toBeUndefined();
  });
});
