/**
 * Reading another service's published values (kernel/discovery.ts) against a mocked SSM client: the name
 * from stage, service and name; the value cached; a missing or unreadable parameter a DiscoveryError.
 */
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  discover,
  discoveryParameterName,
  discoveryProvider,
} from '../../functions/kernel/discovery.js';

const ssm = mockClient(SSMClient);

beforeEach(() => {
  ssm.reset();
  discoveryProvider(new SSMClient({ region: 'us-east-1' }));
});

describe('discover', () => {
  it('reads /commerceforge/<stage>/<service>/<name> once, then from its cache', async () => {
    ssm.on(GetParameterCommand, { Name: '/commerceforge/dev/sandbox/carrier/url' }).resolves({
      Parameter: { Name: '/commerceforge/dev/sandbox/carrier/url', Value: 'https://carrier.example/' },
    });
    expect(await discover('sandbox', 'carrier/url', { stage: 'dev' })).toBe('https://carrier.example/');
    expect(await discover('sandbox', 'carrier/url', { stage: 'dev' })).toBe('https://carrier.example/');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('throws DiscoveryError when the parameter is not published', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const error = await discover('payments', 'token-vault/table-name', { stage: 'dev' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ code: 'DISCOVERY_FAILED' });
  });

  it('refuses a malformed name and a missing stage before asking SSM', async () => {
    expect(() => discoveryParameterName('dev', 'Orders', 'x')).toThrow(DiscoveryError);
    expect(() => discoveryParameterName('dev', 'orders', '../x')).toThrow(DiscoveryError);
    await expect(discover('orders', 'x', { stage: '' })).rejects.toBeInstanceOf(DiscoveryError);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});
