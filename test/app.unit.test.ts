import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../bin/app.js';
import { loadConfig } from '../lib/config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

function stacksOf(app: App): Stack[] {
  return app.node.children.filter((c): c is Stack => c instanceof Stack);
}

describe('the CDK app', () => {
  // Both ways an app is synthesized: `cdk synth` sets CDK_DEFAULT_REGION (literal region and partition in the
  // findings' ids), a test's app may leave them tokens; an acknowledgement must match either. Both stages:
  // prod has resources dev has not (a web ACL, canary deployments, reserved concurrency) and lacks others.
  it.each([
    ['dev', 'with the region unresolved', {}],
    ['dev', 'with the region cdk synth gives it', { CDK_DEFAULT_REGION: 'us-east-1' }],
    ['prod', 'with the region unresolved', {}],
    ['prod', 'with the region cdk synth gives it', { CDK_DEFAULT_REGION: 'us-east-1' }],
  ])('%s: builds every stack with no unacknowledged cdk-nag finding, %s', (stage, _how, env) => {
    const app = buildApp(
      loadConfig({ STAGE: stage, ...env }),
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    );
    const stacks = stacksOf(app);
    expect(stacks.map((s) => s.stackName)).toContain(`CommerceForge-${stage}-Platform`);
    // Template.fromStack runs the validation plugins and throws with cdk-nag's report on any error.
    for (const stack of stacks) expect(() => Template.fromStack(stack)).not.toThrow();
  });

  it('registers a JSON Schema per event type and version: at least 30', () => {
    const app = buildApp(loadConfig({}), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
    const platform = stacksOf(app).find((s) => s.stackName.endsWith('-Platform'))!;
    const schemas = Template.fromStack(platform).findResources('AWS::EventSchemas::Schema');
    expect(Object.keys(schemas).length).toBeGreaterThanOrEqual(30);
  });

  it('keeps the archive on stack deletion in prod, not in dev', () => {
    const archiveOf = (stage: string) => {
      const app = buildApp(
        loadConfig({ STAGE: stage }),
        new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
      );
      const platform = stacksOf(app).find((s) => s.stackName.endsWith('-Platform'))!;
      return Object.values(Template.fromStack(platform).findResources('AWS::Events::Archive'))[0];
    };
    expect(archiveOf('prod')?.DeletionPolicy).toBe('Retain');
    expect(archiveOf('dev')?.DeletionPolicy).toBe('Delete');
  });

  it('stops with one line naming a wrong configuration key', async () => {
    const failure = await run('npx', ['tsx', 'bin/app.ts'], {
      cwd: root,
      env: { ...process.env, TRACING_SAMPLING_RATE: '2' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const lines = (failure?.stderr ?? '').split('\n').filter((l) => l.trim() && !l.includes('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('TRACING_SAMPLING_RATE');
    expect(lines[0]).toContain('a number from 0 to 1');
  });
});
