/**
 * The onOrderUpdated publisher's parts: an order event → the status change it publishes (pure), the IAM
 * GraphQL client's SigV4 signing (checked against AWS's SigV4 test suite) and its errors, and the Api stack's
 * wiring: the rule on order events in the Api stack, the Merged API's URL, and appsync:GraphQL on
 * Mutation.publishOrderUpdate only.
 */

import { SignatureV4 } from '@smithy/signature-v4';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { parseEvent } from '../../functions/kernel/events/index.js';
import { GraphQLRequestError, signedGraphQLClient } from '../../functions/kernel/graphql/iam-client.js';
import { NodeSha256 } from '../../functions/kernel/sigv4.js';
import { statusChangeOf } from '../../functions/orders/handlers/publish-order-update.js';
import { loadConfig } from '../../lib/config.js';
import { anEnvelope, FIXED_TIME, orderPlacedV2 } from '../helpers/events.js';

describe('statusChangeOf', () => {
  it('maps each order event to its status, with the reason of a cancellation and the time it happened', () => {
    expect(statusChangeOf(parseEvent(orderPlacedV2()))).toEqual({
      id: 'order-1',
      customerId: 'user-1',
      status: 'PENDING',
      failureReason: null,
      updatedAt: FIXED_TIME,
    });
    const of = (type: string, data: Record<string, unknown>) =>
      statusChangeOf(parseEvent(anEnvelope({ type, source: 'orders', streamId: 'order-1', data })));
    expect(of('OrderConfirmed', { orderId: 'order-1', paymentId: 'p-1', shipmentId: 's-1' })).toEqual({
      id: 'order-1',
      status: 'CONFIRMED',
      failureReason: null,
      updatedAt: FIXED_TIME,
    });
    expect(of('OrderCancelled', { orderId: 'order-1', reason: 'card declined' })).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'card declined',
    });
    expect(
      of('OrderShipped', { orderId: 'order-1', shipmentId: 's-1', carrier: 'UPS', trackingNumber: '1Z' }),
    ).toMatchObject({ status: 'SHIPPED' });
    expect(
      of('OrderDelivered', { orderId: 'order-1', shipmentId: 's-1', deliveredAt: FIXED_TIME }),
    ).toMatchObject({ status: 'DELIVERED' });
  });

  it('ignores events that are not an order status change', () => {
    const event = parseEvent(
      anEnvelope({
        type: 'ProductAdded',
        source: 'inventory',
        data: { sku: 'MUG', name: 'Mug', price: 1250, currency: 'USD', initialStock: 3 },
      }),
    );
    expect(statusChangeOf(event)).toBeUndefined();
  });
});

describe('the IAM GraphQL client', () => {
  it("signs with node:crypto's SHA-256 as AWS's SigV4 test suite expects (get-vanilla)", async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      sha256: NodeSha256,
      applyChecksum: false,
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('POSTs the query signed for appsync with the session token, and returns data', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const client = signedGraphQLClient({
      url: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
      fetch: async (url, init) => {
        sent.push({ url: String(url), init: init ?? {} });
        return new Response(JSON.stringify({ data: { ok: true } }), { status: 200 });
      },
    });
    expect(await client('mutation { ok }', { a: 1 })).toEqual({ ok: true });
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(sent[0]?.url).toBe('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql');
    expect(sent[0]?.init.body).toBe(JSON.stringify({ query: 'mutation { ok }', variables: { a: 1 } }));
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('token');
  });

  it('throws GraphQLRequestError on GraphQL errors and on HTTP errors, so the rule retries', async () => {
    const answering = (status: number, body: unknown) =>
      signedGraphQLClient({
        url: 'http://127.0.0.1:4566/graphql',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
        fetch: async () => new Response(JSON.stringify(body), { status }),
      });
    await expect(
      answering(200, { data: null, errors: [{ message: 'Not Authorized' }] })('mutation { x }'),
    ).rejects.toBeInstanceOf(GraphQLRequestError);
    await expect(answering(401, { errors: [] })('mutation { x }')).rejects.toMatchObject({
      code: 'GRAPHQL_REQUEST_FAILED',
      status: 401,
    });
  });
});

describe('the Api stack publishes order updates', () => {
  let template: Template;
  beforeAll(() => {
    const app = buildApp(
      loadConfig({ STAGE: 'dev' }),
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    );
    const stack = app.node.children.find(
      (c): c is Stack => c instanceof Stack && c.stackName === 'CommerceForge-dev-Api',
    );
    if (!stack) throw new Error('no Api stack');
    template = Template.fromStack(stack);
  }, 120_000);

  it('subscribes a function to the order events with a rule in the Api stack, with a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['commerceforge.orders'],
        'detail-type': ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderShipped', 'OrderDelivered'],
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it("gives it the Merged API's URL and appsync:GraphQL on Mutation.publishOrderUpdate only", () => {
    const mergedId = Object.keys(
      template.findResources('AWS::AppSync::GraphQLApi', { Properties: { ApiType: 'MERGED' } }),
    )[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ GRAPHQL_URL: { 'Fn::GetAtt': [mergedId, 'GraphQLUrl'] } }),
      },
    });
    const graphql = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).filter(
        (s) => s.Action === 'appsync:GraphQL',
      ),
    );
    expect(graphql).toHaveLength(1);
    expect(JSON.stringify(graphql[0]?.Resource)).toContain('/types/Mutation/fields/publishOrderUpdate');
    expect(JSON.stringify(graphql[0]?.Resource)).toContain(mergedId);
  });
});
