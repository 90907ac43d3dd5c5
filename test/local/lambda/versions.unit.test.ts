import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { codeOf, type LocalFunction } from '../../../local/lambda/functions.js';
import {
  aliasConfiguration,
  codeSha256,
  parseBody,
  publishVersion,
  routeAlias,
  updateAlias,
  updateAliasSchema,
  updateFunctionCode,
} from '../../../local/lambda/versions.js';

function fn(): LocalFunction {
  return {
    name: 'Writer',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:Writer',
    stackName: 'S',
    logicalId: 'Writer',
    runtime: 'nodejs24.x',
    handler: 'index.handler',
    assetDir: '/tmp/asset',
    memoryMb: 128,
    timeoutSeconds: 3,
    tracing: 'PassThrough',
    environment: {},
    versions: new Set(['1']),
    versionCode: new Map([['1', { assetDir: '/tmp/asset' }]]),
    aliases: new Map([['live', '1']]),
    aliasRouting: new Map(),
    aliasDescriptions: new Map(),
    versionDescriptions: new Map(),
    asyncConfigs: new Map(),
  };
}

/** A draw sequence instead of Math.random. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

const code = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof AwsError ? error.code : 'not an AwsError';
  }
  return 'no error';
};

describe('local Lambda versions and aliases', () => {
  it('publishes the next version number', () => {
    const f = fn();
    expect(publishVersion(f, { Description: 'two' })).toBe('2');
    expect(publishVersion(f, {})).toBe('3');
    expect(f.versionDescriptions.get('2')).toBe('two');
  });

  it('freezes the code $LATEST runs at publish time: a later code update changes only $LATEST', () => {
    const f = fn();
    updateFunctionCode(f, { assetDir: '/tmp/asset.new' });
    const two = publishVersion(f, {});
    updateFunctionCode(f, { assetDir: '/tmp/asset.newer' });
    expect(codeOf(f, '1').assetDir).toBe('/tmp/asset');
    expect(codeOf(f, two).assetDir).toBe('/tmp/asset.new');
    expect(codeOf(f).assetDir).toBe('/tmp/asset.newer');
    expect(codeSha256(f, two)).not.toBe(codeSha256(f, '1'));
    expect(codeSha256(f, '$LATEST')).not.toBe(codeSha256(f, two));
  });

  it('routes an invocation to the additional version when the draw falls under its weight', () => {
    const f = fn();
    publishVersion(f, {});
    updateAlias(f, 'live', { RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } });
    const random = draws(0.1, 0.29, 0.3, 0.9);
    expect([1, 2, 3, 4].map(() => routeAlias(f, 'live', random))).toEqual(['2', '2', '1', '1']);
  });

  it('sends everything to the primary at weight 0, and after the routing is removed', () => {
    const f = fn();
    publishVersion(f, {});
    updateAlias(f, 'live', { RoutingConfig: { AdditionalVersionWeights: { '2': 0 } } });
    expect(routeAlias(f, 'live', draws(0))).toBe('1');
    updateAlias(f, 'live', { RoutingConfig: {} });
    expect(aliasConfiguration(f, 'live').RoutingConfig).toBeUndefined();
    expect(routeAlias(f, 'live', draws(0))).toBe('1');
  });

  it('refuses what Lambda refuses, and changes nothing', () => {
    const f = fn();
    publishVersion(f, {});
    const before = aliasConfiguration(f, 'live');
    const weights = (w: Record<string, number>) => () =>
      updateAlias(f, 'live', { RoutingConfig: { AdditionalVersionWeights: w } });
    expect(code(weights({ '1': 0.5 }))).toBe('InvalidParameterValueException');
    expect(code(weights({ '9': 0.5 }))).toBe('ResourceNotFoundException');
    expect(
      code(() =>
        updateAlias(f, 'live', {
          FunctionVersion: '$LATEST',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
        }),
      ),
    ).toBe('InvalidParameterValueException');
    expect(code(() => updateAlias(f, 'live', { RevisionId: 'stale' }))).toBe('PreconditionFailedException');
    expect(code(() => updateAlias(f, 'nope', {}))).toBe('ResourceNotFoundException');
    const body = (json: unknown) => () => parseBody(updateAliasSchema, Buffer.from(JSON.stringify(json)));
    expect(code(body({ RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } }))).toBe(
      'InvalidParameterValueException',
    );
    expect(code(body({ RoutingConfig: { AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } } }))).toBe(
      'InvalidParameterValueException',
    );
    expect(code(() => parseBody(updateAliasSchema, Buffer.from('{not json')))).toBe(
      'InvalidRequestContentException',
    );
    expect(aliasConfiguration(f, 'live')).toEqual(before);
  });

  it('changes the revision id with every change, and accepts the current one', () => {
    const f = fn();
    publishVersion(f, {});
    const first = aliasConfiguration(f, 'live').RevisionId;
    const updated = updateAlias(f, 'live', { RevisionId: first, FunctionVersion: '2' });
    expect(updated.FunctionVersion).toBe('2');
    expect(updated.RevisionId).not.toBe(first);
  });
});
