/**
 * The local SSM Parameter Store's operations, given/when/then on the service (no endpoint): AWS's shapes and
 * AWS's error names, versions, paths and pages.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsError } from '../../../local/core/aws-service.js';
import { SsmService } from '../../../local/ssm/index.js';

const request = { region: 'us-east-1', accountId: '000000000000' };
let now = 1_700_000_000_000;
let ssm: SsmService;

// biome-ignore lint/suspicious/noExplicitAny: AWS's response shapes, asserted field by field below
const call = (operation: string, body: unknown) => ssm.handle(operation, body, request) as Promise<any>;
const failure = async (operation: string, body: unknown): Promise<AwsError> => {
  try {
    await call(operation, body);
  } catch (error) {
    return error as AwsError;
  }
  throw new Error(`${operation} did not fail`);
};

beforeEach(() => {
  now = 1_700_000_000_000;
  ssm = new SsmService(request, () => now);
  ssm.seed({ name: '/commerceforge/dev/orders/table-name', value: 'Orders-1', type: 'String' });
  ssm.seed({ name: '/commerceforge/dev/sandbox/payment-provider/mode', value: 'ok', type: 'String' });
  ssm.seed({ name: '/commerceforge/dev/sandbox/carrier/mode', value: 'ok', type: 'String' });
  ssm.seed({ name: '/commerceforge/prod/orders/table-name', value: 'Orders-2', type: 'String' });
});

describe('GetParameter', () => {
  it('answers a seeded parameter in AWS shape: version 1, ARN without the leading slash, epoch seconds', async () => {
    const { Parameter } = await call('GetParameter', { Name: '/commerceforge/dev/orders/table-name' });
    expect(Parameter).toEqual({
      Name: '/commerceforge/dev/orders/table-name',
      Type: 'String',
      Value: 'Orders-1',
      Version: 1,
      LastModifiedDate: now / 1000,
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/commerceforge/dev/orders/table-name',
      DataType: 'text',
    });
  });

  it('finds a parameter by its ARN, and an older version by name:version', async () => {
    await call('PutParameter', {
      Name: '/commerceforge/dev/orders/table-name',
      Value: 'Orders-9',
      Overwrite: true,
    });
    const byArn = await call('GetParameter', {
      Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/commerceforge/dev/orders/table-name',
    });
    expect(byArn.Parameter).toMatchObject({ Value: 'Orders-9', Version: 2 });
    const old = await call('GetParameter', { Name: '/commerceforge/dev/orders/table-name:1' });
    expect(old.Parameter).toMatchObject({ Value: 'Orders-1', Version: 1, Selector: ':1' });
  });

  it('throws ParameterNotFound for a name that does not exist, and ParameterVersionNotFound for a version', async () => {
    expect((await failure('GetParameter', { Name: '/nope' })).code).toBe('ParameterNotFound');
    expect((await failure('GetParameter', { Name: '/commerceforge/dev/orders/table-name:7' })).code).toBe(
      'ParameterVersionNotFound',
    );
  });

  it('refuses a request without a Name with a ValidationException naming the field', async () => {
    const error = await failure('GetParameter', {});
    expect(error.code).toBe('ValidationException');
    expect(error.message).toContain('Name');
  });
});

describe('GetParameters', () => {
  it('answers the parameters found and lists the others as InvalidParameters', async () => {
    const answer = await call('GetParameters', {
      Names: ['/commerceforge/dev/orders/table-name', '/missing', '/commerceforge/dev/sandbox/carrier/mode'],
    });
    expect(answer.Parameters.map((p: { Name: string }) => p.Name)).toEqual([
      '/commerceforge/dev/orders/table-name',
      '/commerceforge/dev/sandbox/carrier/mode',
    ]);
    expect(answer.InvalidParameters).toEqual(['/missing']);
  });

  it('refuses more than 10 names', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    expect((await failure('GetParameters', { Names: names })).code).toBe('ValidationException');
  });
});

describe('GetParametersByPath', () => {
  it('lists one level without Recursive, every level below with it; a trailing slash is the same path', async () => {
    await call('PutParameter', { Name: '/commerceforge/dev/top', Value: 'x', Type: 'String' });
    const oneLevel = await call('GetParametersByPath', { Path: '/commerceforge/dev' });
    expect(oneLevel.Parameters.map((p: { Name: string }) => p.Name)).toEqual(['/commerceforge/dev/top']);
    const all = await call('GetParametersByPath', { Path: '/commerceforge/dev/', Recursive: true });
    expect(all.Parameters.map((p: { Name: string }) => p.Name)).toEqual([
      '/commerceforge/dev/orders/table-name',
      '/commerceforge/dev/sandbox/carrier/mode',
      '/commerceforge/dev/sandbox/payment-provider/mode',
      '/commerceforge/dev/top',
    ]);
  });

  it('pages with MaxResults and NextToken until every parameter was listed once', async () => {
    for (let i = 0; i < 7; i++)
      await call('PutParameter', { Name: `/many/p${i}`, Value: String(i), Type: 'String' });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await call('GetParametersByPath', {
        Path: '/many',
        MaxResults: 3,
        ...(token ? { NextToken: token } : {}),
      });
      seen.push(...page.Parameters.map((p: { Name: string }) => p.Name));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `/many/p${i}`));
  });

  it('refuses a token of another path, a path without a leading slash, and MaxResults above 10', async () => {
    for (let i = 0; i < 3; i++)
      await call('PutParameter', { Name: `/many/p${i}`, Value: 'v', Type: 'String' });
    const { NextToken } = await call('GetParametersByPath', { Path: '/many', MaxResults: 1 });
    expect((await failure('GetParametersByPath', { Path: '/commerceforge', NextToken })).code).toBe(
      'InvalidNextToken',
    );
    expect((await failure('GetParametersByPath', { Path: 'many' })).code).toBe('ValidationException');
    expect((await failure('GetParametersByPath', { Path: '/many', MaxResults: 11 })).code).toBe(
      'ValidationException',
    );
  });
});

describe('PutParameter', () => {
  it('creates version 1, refuses to replace without Overwrite, and counts versions with it', async () => {
    expect(await call('PutParameter', { Name: '/a/b', Value: 'one', Type: 'String' })).toEqual({
      Version: 1,
      Tier: 'Standard',
    });
    expect((await failure('PutParameter', { Name: '/a/b', Value: 'two', Type: 'String' })).code).toBe(
      'ParameterAlreadyExists',
    );
    expect(ssm.value('/a/b')).toBe('one');
    now += 5_000;
    expect(await call('PutParameter', { Name: '/a/b', Value: 'two', Overwrite: true })).toMatchObject({
      Version: 2,
    });
    const { Parameter } = await call('GetParameter', { Name: '/a/b' });
    expect(Parameter).toMatchObject({
      Value: 'two',
      Version: 2,
      Type: 'String',
      LastModifiedDate: now / 1000,
    });
  });

  it('keeps a StringList as its comma-separated text', async () => {
    await call('PutParameter', { Name: '/a/list', Value: 'US,CA,GB', Type: 'StringList' });
    expect((await call('GetParameter', { Name: '/a/list' })).Parameter).toMatchObject({
      Type: 'StringList',
      Value: 'US,CA,GB',
    });
  });

  it.each([
    [{ Name: '/a/new', Value: 'v' }, 'ValidationException'],
    [{ Name: '/a/new', Value: 'v', Type: 'SecureString' }, 'UnsupportedParameterType'],
    [{ Name: '/a/new', Value: 'v', Type: 'Secret' }, 'ValidationException'],
    [{ Name: 'a/new', Value: 'v', Type: 'String' }, 'ValidationException'],
    [{ Name: '/aws/mine', Value: 'v', Type: 'String' }, 'ValidationException'],
    [{ Name: '/a/b c', Value: 'v', Type: 'String' }, 'ValidationException'],
    [
      { Name: `/${Array.from({ length: 16 }, () => 'x').join('/')}`, Value: 'v', Type: 'String' },
      'HierarchyLevelLimitExceededException',
    ],
    [{ Name: '/a/new', Value: '', Type: 'String' }, 'ValidationException'],
    [{ Name: '/a/new', Value: 'x'.repeat(4097), Type: 'String' }, 'ValidationException'],
    [
      { Name: '/a/new', Value: 'maybe', Type: 'String', AllowedPattern: 'ok|outage|slow' },
      'ParameterPatternMismatchException',
    ],
  ])('refuses %j with %s and stores nothing', async (body, code) => {
    expect((await failure('PutParameter', body)).code).toBe(code);
    expect(ssm.value(String(body.Name))).toBeUndefined();
  });

  it('checks an overwrite against the pattern the parameter was created with', async () => {
    await call('PutParameter', { Name: '/m', Value: 'ok', Type: 'String', AllowedPattern: 'ok|outage|slow' });
    expect((await failure('PutParameter', { Name: '/m', Value: 'down', Overwrite: true })).code).toBe(
      'ParameterPatternMismatchException',
    );
    await call('PutParameter', { Name: '/m', Value: 'outage', Overwrite: true });
    expect(ssm.value('/m')).toBe('outage');
  });

  it('refuses tags together with Overwrite', async () => {
    await call('PutParameter', { Name: '/t', Value: 'v', Type: 'String' });
    const error = await failure('PutParameter', {
      Name: '/t',
      Value: 'w',
      Overwrite: true,
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(error.code).toBe('ValidationException');
    expect(ssm.value('/t')).toBe('v');
  });
});

describe('DeleteParameter(s)', () => {
  it('deletes, then answers ParameterNotFound; DeleteParameters reports what it could not delete', async () => {
    await call('DeleteParameter', { Name: '/commerceforge/dev/orders/table-name' });
    expect((await failure('GetParameter', { Name: '/commerceforge/dev/orders/table-name' })).code).toBe(
      'ParameterNotFound',
    );
    expect((await failure('DeleteParameter', { Name: '/commerceforge/dev/orders/table-name' })).code).toBe(
      'ParameterNotFound',
    );
    const answer = await call('DeleteParameters', {
      Names: ['/commerceforge/dev/sandbox/carrier/mode', '/gone'],
    });
    expect(answer).toEqual({
      DeletedParameters: ['/commerceforge/dev/sandbox/carrier/mode'],
      InvalidParameters: ['/gone'],
    });
  });
});

it('answers an operation it does not implement with UnknownOperationException', async () => {
  expect((await failure('LabelParameterVersion', {})).code).toBe('UnknownOperationException');
});
