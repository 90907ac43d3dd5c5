/**
 * What a new assembly changes: code (a function's or a layer's asset) deployed as a version, and everything
 * else named for a restart, with the renames a new code version brings (CDK's `currentVersion` logical id and
 * what refers to it) not taken for changes.
 */
import { describe, expect, it } from 'vitest';
import type { StackArtifact } from '../../../local/assembly/cloud-assembly.js';
import type { CfnResource } from '../../../local/assembly/template.js';
import type { LocalFunction } from '../../../local/lambda/functions.js';
import { publicLayerDir } from '../../../local/lambda/runtime-modules.js';
import { changesNeedingRestart, codeChanges } from '../../../local/watch/assembly-diff.js';

function stack(directory: string, resources: Record<string, CfnResource>): StackArtifact {
  return { id: 'S', stackName: 'S', directory, template: { Resources: resources }, dependencies: [] };
}

/** A function with a layer, its current version (named after the code) and an alias on it. */
function app(directory: string, code: string, extra: Record<string, CfnResource> = {}) {
  const version = `FnCurrentVersionABCD1234${code.padEnd(32, '0')}`;
  return stack(directory, {
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Key: `${code}.zip` }, Handler: 'index.handler', Layers: [{ Ref: 'Layer' }] },
      Metadata: { 'aws:asset:path': `asset.${code}` },
    },
    Layer: {
      Type: 'AWS::Lambda::LayerVersion',
      Properties: { Content: { S3Key: 'layer.zip' } },
      Metadata: { 'aws:asset:path': 'asset.layer' },
    },
    [version]: {
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: 'Fn' } },
      Metadata: { 'aws:cdk:path': 'S/Fn/CurrentVersion/Resource' },
    },
    Live: {
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] } },
    },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
    ...extra,
  });
}

const running = {
  name: 'fn',
  stackName: 'S',
  logicalId: 'Fn',
  assetDir: '/cdk.out/asset.aaaa',
  layerDirs: ['/cdk.out/asset.layer'],
  versionCode: new Map(),
} as unknown as LocalFunction;

describe('codeChanges', () => {
  it('finds a function whose bundle changed, by the asset name, wherever the assembly is', () => {
    expect(codeChanges([running], [app('/watch-1', 'aaaa')])).toEqual([]);
    const [change] = codeChanges([running], [app('/watch-2', 'bbbb')]);
    expect(change?.code).toEqual({ assetDir: '/watch-2/asset.bbbb', layerDirs: ['/watch-2/asset.layer'] });
  });
});

describe('codeChanges with the public Powertools layer', () => {
  const PARAMETER = '/aws/service/powertools/typescript/generic/all/2.35.0';
  const powertools = publicLayerDir(`local-ssm:${PARAMETER}`) as string;
  const withPowertools = (directory: string, code: string): StackArtifact => {
    const base = app(directory, code);
    const fn = base.template.Resources?.Fn as CfnResource;
    return {
      ...base,
      template: {
        Parameters: {
          PowertoolsParameter: { Type: 'AWS::SSM::Parameter::Value<String>', Default: PARAMETER },
        },
        Resources: {
          ...base.template.Resources,
          Fn: {
            ...fn,
            Properties: { ...fn.Properties, Layers: [{ Ref: 'PowertoolsParameter' }, { Ref: 'Layer' }] },
          },
        },
      },
    };
  };
  const runningWithPowertools = {
    ...running,
    layerDirs: [powertools, '/cdk.out/asset.layer'],
  } as unknown as LocalFunction;

  it('keeps the layer a template parameter names: same bundle, no change; a new bundle keeps Powertools', () => {
    expect(powertools).toBeDefined();
    expect(codeChanges([runningWithPowertools], [withPowertools('/watch-1', 'aaaa')])).toEqual([]);
    const [change] = codeChanges([runningWithPowertools], [withPowertools('/watch-2', 'bbbb')]);
    expect(change?.code).toEqual({
      assetDir: '/watch-2/asset.bbbb',
      layerDirs: [powertools, '/watch-2/asset.layer'],
    });
  });
});

describe('changesNeedingRestart', () => {
  it('takes a new code version (renamed version, moved alias, new Code) for no change', () => {
    expect(changesNeedingRestart([app('/a', 'aaaa')], [app('/b', 'bbbb')])).toEqual([]);
  });

  it('names a changed table, a changed function configuration, and resources added or removed', () => {
    const before = app('/a', 'aaaa', { Rule: { Type: 'AWS::Events::Rule', Properties: {} } });
    const after = app('/b', 'aaaa', {
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PROVISIONED' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    });
    (after.template.Resources!.Fn!.Properties as Record<string, unknown>).Handler = 'other.handler';
    expect(changesNeedingRestart([before], [after])).toEqual(
      expect.arrayContaining([
        { stackName: 'S', logicalId: 'Table', type: 'AWS::DynamoDB::Table', change: 'changed' },
        { stackName: 'S', logicalId: 'Fn', type: 'AWS::Lambda::Function', change: 'changed' },
        { stackName: 'S', logicalId: 'Queue', type: 'AWS::SQS::Queue', change: 'added' },
        { stackName: 'S', logicalId: 'Rule', type: 'AWS::Events::Rule', change: 'removed' },
      ]),
    );
    expect(changesNeedingRestart([before], [after])).toHaveLength(4);
  });
});
