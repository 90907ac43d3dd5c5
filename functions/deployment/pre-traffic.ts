/**
 * CodeDeploy's BeforeAllowTraffic hook for a `live` alias: invokes the new version once with a harmless
 * request (one its handler refuses before any write) and reports the outcome to CodeDeploy. A version that
 * cannot load, is misconfigured, times out or answers with anything but the expected refusal fails the
 * deployment before any customer reaches it.
 *
 * Environment (set by the deployment construct): `SMOKE_TARGET_ARN` the new version's ARN (it changes with
 * every version, so the hook is redeployed with it), `SMOKE_PAYLOAD` the JSON request, `SMOKE_ACCEPTED_ERRORS`
 * comma-separated error types that count as a healthy answer (e.g. `ValidationError`).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { withObservability } from '../kernel/observability.js';
import * as z from '../kernel/zod.js';
import { putLifecycleEventHookExecutionStatus } from './codedeploy.js';

const hookEvent = z.object({
  DeploymentId: z.string().check(z.regex(/^d-[A-Z0-9]{9}$/)),
  LifecycleEventHookExecutionId: z.string().check(z.minLength(1), z.maxLength(2048)),
});

const settings = z.object({
  SMOKE_TARGET_ARN: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+:\d+$/)),
  SMOKE_PAYLOAD: z._default(z.string(), '{}'),
  SMOKE_ACCEPTED_ERRORS: z._default(z.string(), ''),
});

let lambda: LambdaClient | undefined;

export const handler = withObservability<unknown, { status: 'Succeeded' | 'Failed' }>(
  { service: 'deployment' },
  async (event, _context, tools) => {
    // A malformed event has no id to report against: throwing is all that is left (CodeDeploy times out).
    const hook = hookEvent.parse(event);
    let status: 'Succeeded' | 'Failed';
    try {
      const verdict = await smokeTest(settings.parse(process.env));
      status = verdict.ok ? 'Succeeded' : 'Failed';
      tools.logger.info('pre-traffic smoke test', { deploymentId: hook.DeploymentId, ...verdict });
    } catch (error) {
      status = 'Failed';
      tools.logger.error('pre-traffic smoke test could not run', { error: error as Error });
    }
    await putLifecycleEventHookExecutionStatus({
      deploymentId: hook.DeploymentId,
      lifecycleEventHookExecutionId: hook.LifecycleEventHookExecutionId,
      status,
    });
    return { status };
  },
);

export interface SmokeVerdict {
  readonly ok: boolean;
  readonly target: string;
  readonly errorType?: string;
}

/** One invocation of the target; healthy when it answers, or refuses with an accepted error type. */
export async function smokeTest(
  config: z.infer<typeof settings>,
  client?: LambdaClient,
): Promise<SmokeVerdict> {
  lambda ??= new LambdaClient({});
  const invoker = client ?? lambda;
  const accepted = new Set(
    config.SMOKE_ACCEPTED_ERRORS.split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  );
  const result = await invoker.send(
    new InvokeCommand({
      FunctionName: config.SMOKE_TARGET_ARN,
      Payload: new TextEncoder().encode(config.SMOKE_PAYLOAD),
    }),
  );
  if (!result.FunctionError) return { ok: true, target: config.SMOKE_TARGET_ARN };
  const body = result.Payload ? new TextDecoder().decode(result.Payload) : '{}';
  const errorType =
    z.object({ errorType: z.string() }).safeParse(safeJson(body)).data?.errorType ?? 'Unknown';
  return { ok: accepted.has(errorType), target: config.SMOKE_TARGET_ARN, errorType };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
