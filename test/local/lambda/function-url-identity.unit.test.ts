/**
 * What a template's `AWS::Lambda::Url` resolves to locally: `FunctionUrl` is the local endpoint's
 * `/lambda-url/<id>/` (where local/lambda/function-urls.ts serves it), stable across restarts, distinct per
 * resource; `FunctionArn` and `Ref` the target function's ARN.
 */
import { describe, expect, it } from 'vitest';
import { physicalIdentity } from '../../../local/assembly/physical-names.js';

const identityOf = (logicalId: string, target: string) =>
  physicalIdentity({
    stackName: 'CommerceForge-dev-Sandbox',
    logicalId,
    type: 'AWS::Lambda::Url',
    accountId: '000000000000',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    property: (key) => (key === 'TargetFunctionArn' ? target : undefined),
    functionArn: (nameOrArn) =>
      nameOrArn.startsWith('arn:')
        ? nameOrArn
        : `arn:aws:lambda:us-east-1:000000000000:function:${nameOrArn}`,
    versionNumber: () => 1,
  });

describe('AWS::Lambda::Url locally', () => {
  it('resolves FunctionUrl to the endpoint, FunctionArn and Ref to the target function', () => {
    const identity = identityOf('PaymentProviderUrl', 'commerceforge-dev-sandbox-payment-provider');
    expect(identity.attributes.FunctionUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:4566\/lambda-url\/[a-z0-9]{32}\/$/,
    );
    expect(identity.attributes.FunctionArn).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:commerceforge-dev-sandbox-payment-provider',
    );
    expect(identity.ref).toBe(identity.attributes.FunctionArn);
  });

  it('gives each URL its own id, the same on every start', () => {
    const a = identityOf('PaymentProviderUrl', 'f');
    expect(identityOf('PaymentProviderUrl', 'f').attributes.FunctionUrl).toBe(a.attributes.FunctionUrl);
    expect(identityOf('CarrierUrl', 'f').attributes.FunctionUrl).not.toBe(a.attributes.FunctionUrl);
  });
});
