/**
 * Lambda versions and weighted aliases on the local cloud, driven by the AWS CLI (v2) as a user would:
 * publish a second version, give it 0.3 of `live`, invoke `live` 300 times and count which version ran
 * (`ExecutedVersion`), then take the weight to 0. The 300 invocations go through the SDK (one CLI process
 * per call would take minutes on this machine); a few go through the CLI too, to see what it shows.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.js';
import { quietLogger } from '../../../local/core/log.js';
import { awsCli } from '../../helpers/aws-cli.js';
import { synthesizeFixtureApp } from '../../helpers/fixture-app.js';

const INVOCATIONS = 300;
const WEIGHT = 0.3;

let cloud: LocalCloud;
let writer: string;

const aws = (...args: string[]) => awsCli(cloud.url, args);

/** Invokes `live` n times, a few at a time, and counts the executed versions. */
async function split(n: number): Promise<Record<string, number>> {
  const client = new LambdaClient({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const counts: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const result = await client.send(
        new InvokeCommand({
          FunctionName: `${writer}:live`,
          Payload: JSON.stringify({ id: `split-${n}-${i}` }),
        }),
      );
      expect(result.FunctionError).toBeUndefined();
      const version = String(result.ExecutedVersion);
      counts[version] = (counts[version] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  client.destroy();
  return counts;
}

beforeAll(async () => {
  cloud = await startLocalCloud({ assemblyDir: synthesizeFixtureApp(), port: 0, logger: quietLogger });
  writer = String(cloud.model.outputs('LocalCoreStack').WriterName);
}, 240_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('Lambda versions and weighted aliases, through the AWS CLI', () => {
  let primary: string;
  let second: string;

  it('publishes a second version and lists both', async () => {
    const alias = await aws('lambda', 'get-alias', '--function-name', writer, '--name', 'live');
    primary = String(alias.FunctionVersion);
    expect(primary).toMatch(/^\d+$/);
    expect(alias.RoutingConfig).toBeUndefined();

    const published = await aws(
      'lambda',
      'publish-version',
      '--function-name',
      writer,
      '--description',
      'v2',
    );
    second = String(published.Version);
    expect(Number(second)).toBeGreaterThan(Number(primary));
    expect(published.FunctionArn).toMatch(new RegExp(`:function:${writer}:${second}$`));

    const listed = await aws('lambda', 'list-versions-by-function', '--function-name', writer);
    const versions = (listed.Versions as { Version: string; Description: string }[]).map((v) => v.Version);
    expect(versions).toEqual(expect.arrayContaining(['$LATEST', primary, second]));
    expect(
      (listed.Versions as { Version: string; Description: string }[]).find((v) => v.Version === second),
    ).toMatchObject({ Description: 'v2' });
  });

  it(`sends about ${WEIGHT} of live's invocations to the second version`, async () => {
    const updated = await aws(
      'lambda',
      'update-alias',
      '--function-name',
      writer,
      '--name',
      'live',
      '--routing-config',
      `AdditionalVersionWeights={${second}=${WEIGHT}}`,
    );
    expect(updated).toMatchObject({
      FunctionVersion: primary,
      RoutingConfig: { AdditionalVersionWeights: { [second]: WEIGHT } },
    });
    const got = await aws('lambda', 'get-alias', '--function-name', writer, '--name', 'live');
    expect(got.RoutingConfig).toEqual({ AdditionalVersionWeights: { [second]: WEIGHT } });

    const counts = await split(INVOCATIONS);
    expect(Object.keys(counts).sort()).toEqual([primary, second].sort());
    expect((counts[primary] ?? 0) + (counts[second] ?? 0)).toBe(INVOCATIONS);
    // Binomial(300, 0.3): sd ≈ 7.9 invocations (0.026); ± 0.1 is about 3.8 sd, a false alarm in ~1e-4 runs.
    expect((counts[second] ?? 0) / INVOCATIONS).toBeGreaterThan(WEIGHT - 0.1);
    expect((counts[second] ?? 0) / INVOCATIONS).toBeLessThan(WEIGHT + 0.1);
  }, 240_000);

  it('sends everything to the primary at weight 0, and the CLI shows the executed version', async () => {
    await aws(
      'lambda',
      'update-alias',
      '--function-name',
      writer,
      '--name',
      'live',
      '--routing-config',
      `AdditionalVersionWeights={${second}=0}`,
    );
    const counts = await split(60);
    expect(counts).toEqual({ [primary]: 60 });

    const invoked = await aws(
      'lambda',
      'invoke',
      '--function-name',
      writer,
      '--qualifier',
      'live',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"id":"cli-1"}',
      '/dev/null',
    );
    expect(invoked).toMatchObject({ StatusCode: 200, ExecutedVersion: primary });
  }, 120_000);

  it('refuses bad routing with a typed error and changes nothing', async () => {
    const before = await aws('lambda', 'get-alias', '--function-name', writer, '--name', 'live');
    const refusals = [
      [`AdditionalVersionWeights={${second}=1.5}`, 'InvalidParameterValueException'],
      ['AdditionalVersionWeights={99=0.2}', 'ResourceNotFoundException'],
      [`AdditionalVersionWeights={${primary}=0.2}`, 'InvalidParameterValueException'],
    ] as const;
    for (const [routing, code] of refusals) {
      await expect(
        aws(
          'lambda',
          'update-alias',
          '--function-name',
          writer,
          '--name',
          'live',
          '--routing-config',
          routing,
        ),
      ).rejects.toThrow(code);
    }
    expect(await aws('lambda', 'get-alias', '--function-name', writer, '--name', 'live')).toEqual(before);
  }, 120_000);
});
