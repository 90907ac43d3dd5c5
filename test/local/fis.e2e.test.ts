/**
 * FIS on the local cloud, driven as a user drives it: the AWS CLI for FIS, CloudWatch and Logs, the SDK for
 * the many invocations and for polling. One cloud runs the fixture app (test/fixtures/local-fis-app): its
 * templates are listed; an error experiment makes only its target fail, at about its percentage, without
 * running the handler, until it is stopped; `startAfter` orders actions and the experiment log lands in the
 * template's log group; an alarm in ALARM stops a latency experiment; a function URL answers the injected
 * HTTP status; a template FIS would refuse does not start.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type Experiment,
  FisClient,
  GetActionCommand,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { quietLogger } from '../../local/core/log.js';
import { INJECTED_ERROR_TYPE } from '../../local/fis/index.js';
import { defaultPlugins } from '../../local/plugins.js';
import { buildApp } from '../fixtures/local-fis-app/app.js';
import { awsCli } from '../helpers/aws-cli.js';
import { clientConfig } from '../helpers/local-clients.js';
import { synthesizeOnce } from '../helpers/synth-once.js';

const FIXTURE = new URL('../fixtures/local-fis-app/', import.meta.url).pathname;

let cloud: LocalCloud;
let outputs: Record<string, string>;
let lambda: LambdaClient;
let fis: FisClient;
const ran = new Map<string, number>();
const templateIds = new Map<string, string>();

beforeAll(async () => {
  const assemblyDir = synthesizeOnce({
    name: 'local-fis-app',
    sources: [FIXTURE],
    synth: (outdir) => buildApp(outdir).synth(),
  });
  cloud = await startLocalCloud({
    assemblyDir,
    port: 0,
    logger: quietLogger,
    // A minute of FIS time is 3 s: the sequence's wait and error actions take 3 s each, the others 30 s.
    plugins: defaultPlugins({ fisTimeScale: 0.05 }),
  });
  outputs = cloud.model.outputs('LocalFisStack') as Record<string, string>;
  cloud.lambda.onOutput(({ functionName, line }) => {
    if (/\bran [0-9a-f-]{36}/.test(line)) ran.set(functionName, (ran.get(functionName) ?? 0) + 1);
  });
  lambda = new LambdaClient(clientConfig(cloud.url));
  fis = new FisClient(clientConfig(cloud.url));
});

afterAll(async () => {
  await cloud?.stop();
});

const cli = <T = Record<string, unknown>>(...args: string[]) => awsCli<T>(cloud.url, args);

async function invoke(functionName: string) {
  const started = performance.now();
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: '{}' }));
  const payload = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null');
  return { error: result.FunctionError, payload, ms: performance.now() - started };
}

/** `count` invocations, 8 at a time. */
async function invokeMany(functionName: string, count: number) {
  const results: Awaited<ReturnType<typeof invoke>>[] = [];
  for (let i = 0; i < count; i += 8)
    results.push(
      ...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => invoke(functionName)))),
    );
  return results;
}

async function experimentUntil(id: string, done: (e: Experiment) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { experiment } = await fis.send(new GetExperimentCommand({ id }));
    if (experiment && done(experiment)) return experiment;
    if (Date.now() > deadline) throw new Error(`experiment ${id}: ${JSON.stringify(experiment?.state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** With the AWS CLI where the CLI is the point; the SDK elsewhere (each CLI run takes a second or two here). */
const startWithCli = async (name: string) =>
  (
    await cli<{ experiment: { id: string; state: { status: string } } }>(
      'fis',
      'start-experiment',
      '--experiment-template-id',
      templateIds.get(name) ?? name,
    )
  ).experiment;

async function start(name: string): Promise<{ id: string }> {
  const { experiment } = await fis.send(
    new StartExperimentCommand({ experimentTemplateId: templateIds.get(name) ?? name }),
  );
  return { id: experiment?.id ?? '' };
}

describe('the local FIS', () => {
  it('lists the templates and serves their definition and the actions', async () => {
    const { experimentTemplates } = await cli<{
      experimentTemplates: Array<{ id: string; tags: Record<string, string> }>;
    }>('fis', 'list-experiment-templates');
    for (const t of experimentTemplates) templateIds.set(t.tags.Name ?? '', t.id);
    expect([...templateIds.keys()].sort()).toEqual([
      'fis-errors',
      'fis-invalid',
      'fis-latency',
      'fis-sequence',
      'fis-web',
    ]);
    expect(experimentTemplates.every((t) => /^EXT[A-Z0-9]{14}$/.test(t.id))).toBe(true);

    const { experimentTemplate } = await fis.send(
      new GetExperimentTemplateCommand({ id: templateIds.get('fis-sequence') }),
    );
    expect(experimentTemplate?.actions?.fail).toMatchObject({
      actionId: 'aws:lambda:invocation-error',
      startAfter: ['settle'],
    });
    expect(experimentTemplate?.targets?.Functions?.resourceArns).toEqual([
      expect.stringContaining(outputs.TargetName ?? '?'),
    ]);
    expect(experimentTemplate?.logConfiguration?.cloudWatchLogsConfiguration?.logGroupArn).toContain(
      '/fis/local-fis-app',
    );
    expect(experimentTemplate?.creationTime).toBeInstanceOf(Date);

    const { action } = await fis.send(new GetActionCommand({ id: 'aws:lambda:invocation-error' }));
    expect(action?.parameters?.duration?.required).toBe(true);
    expect(action?.parameters?.preventExecution?.required).toBe(false);
  });

  it('fails only the targeted function, at about the percentage, without running it, until stopped', async () => {
    const target = outputs.TargetName ?? '';
    const started = await startWithCli('fis-errors');
    expect(started.id).toMatch(/^EXP[A-Za-z0-9]{15}$/);
    await experimentUntil(started.id, (e) => e.state?.status === 'running');
    const ranBefore = ran.get(target) ?? 0;

    const results = await invokeMany(target, 120);
    const failed = results.filter((r) => r.error === 'Unhandled');
    // 50% of 120: the binomial's standard deviation is ~5.5, so 36..84 fails only on a broken injection.
    expect(failed.length).toBeGreaterThan(36);
    expect(failed.length).toBeLessThan(84);
    expect(failed[0]?.payload).toMatchObject({
      errorType: INJECTED_ERROR_TYPE,
      errorMessage: expect.stringContaining(started.id),
    });
    // preventExecution: the handler ran only for the invocations that succeeded.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((ran.get(target) ?? 0) - ranBefore).toBe(120 - failed.length);
    expect((await invokeMany(outputs.BystanderName ?? '', 24)).filter((r) => r.error)).toEqual([]);

    const stopped = await cli<{ experiment: { state: { status: string } } }>(
      'fis',
      'stop-experiment',
      '--id',
      started.id,
    );
    expect(['stopping', 'stopped']).toContain(stopped.experiment.state.status);
    const { experiment } = await cli<{
      experiment: { state: { status: string }; actions: Record<string, { state: { status: string } }> };
    }>('fis', 'get-experiment', '--id', started.id);
    expect(experiment.state.status).toBe('stopped');
    expect(experiment.actions.fail?.state.status).toBe('stopped');
    expect((await invokeMany(target, 16)).filter((r) => r.error)).toEqual([]);

    const listed = await fis.send(new ListExperimentsCommand({}));
    expect(listed.experiments?.find((e) => e.id === started.id)?.state?.status).toBe('stopped');
  });

  it('runs actions in startAfter order to completion and logs the experiment to its log group', async () => {
    const target = outputs.TargetName ?? '';
    const started = await start('fis-sequence');
    await experimentUntil(started.id, (e) => e.actions?.settle?.state?.status === 'running');
    expect((await invoke(target)).error).toBeUndefined();

    await experimentUntil(started.id, (e) => e.actions?.fail?.state?.status === 'running');
    const ranBefore = ran.get(target) ?? 0;
    const during = await invoke(target);
    expect(during.error).toBe('Unhandled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran.get(target)).toBe(ranBefore + 1); // preventExecution false: the handler ran

    const done = await experimentUntil(started.id, (e) => e.state?.status === 'completed', 10_000);
    const { settle, fail } = done.actions ?? {};
    expect(settle?.state?.status).toBe('completed');
    expect(fail?.state?.status).toBe('completed');
    expect(fail?.startTime?.getTime()).toBeGreaterThanOrEqual(settle?.endTime?.getTime() ?? Infinity);
    expect((await invoke(target)).error).toBeUndefined();

    const events = await new CloudWatchLogsClient(clientConfig(cloud.url)).send(
      new GetLogEventsCommand({ logGroupName: '/fis/local-fis-app', logStreamName: started.id }),
    );
    const records = (events.events ?? []).map((e) => JSON.parse(e.message ?? '{}'));
    expect(records.map((r) => r.log_type)).toEqual([
      'experiment-start',
      'target-resolution-start',
      'target-resolution-detail',
      'target-resolution-end',
      'action-start',
      'action-end',
      'action-start',
      'action-end',
      'experiment-end',
    ]);
    expect(records.at(-1)).toMatchObject({
      id: started.id,
      version: '2',
      details: { experiment_state: { status: 'completed' } },
    });
  });

  it('delays invocations and stops when its stop condition alarm goes to ALARM', async () => {
    const started = await start('fis-latency');
    await experimentUntil(started.id, (e) => e.state?.status === 'running');
    const slow = await invoke(outputs.TargetName ?? '');
    expect(slow.error).toBeUndefined();
    expect(slow.ms).toBeGreaterThanOrEqual(300);
    expect((await invoke(outputs.BystanderName ?? '')).ms).toBeLessThan(300);

    await new CloudWatchClient(clientConfig(cloud.url)).send(
      new SetAlarmStateCommand({
        AlarmName: outputs.StopAlarmName,
        StateValue: 'ALARM',
        StateReason: 'test',
      }),
    );
    const stopped = await experimentUntil(started.id, (e) => e.state?.status !== 'running', 5_000);
    expect(stopped.state).toMatchObject({
      status: 'stopped',
      reason: expect.stringContaining('stop condition'),
    });
    expect((await invoke(outputs.TargetName ?? '')).ms).toBeLessThan(300);
  });

  it('answers a function URL with the injected HTTP response', async () => {
    const started = await start('fis-web');
    await experimentUntil(started.id, (e) => e.state?.status === 'running');
    const response = await fetch(outputs.WebUrl ?? '');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain');
    await fis.send(new StopExperimentCommand({ id: started.id }));
    expect((await fetch(outputs.WebUrl ?? '')).status).toBe(200);
  });

  it('refuses to start a template FIS would have refused', async () => {
    await expect(startWithCli('fis-invalid')).rejects.toThrow(
      /ValidationException[\s\S]*invocationPercentage/,
    );
  });
});
