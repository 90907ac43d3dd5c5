/**
 * Which functions run in the background, at a lower CPU priority. In Lambda every execution environment has a
 * CPU share of its own: a burst of projector batches or relay polls does not slow an API call or a saga's step.
 * Here every environment is a thread sharing a laptop's cores, and under load a placeOrder waited seconds
 * behind the read models and relays it had set going. So the local cloud runs the threads of the functions
 * nobody waits on at a higher nice value (Linux; `LOCAL_LAMBDA_BACKGROUND_NICE`, default 10, 0 for none):
 * when the cores are free they run as fast as ever; when they are busy, what a caller waits on goes first and
 * the background catches up, its work held in its queue or stream. Nothing is dropped or reordered within a
 * function; only shares of CPU change.
 *
 * A function is waited on when a synchronous caller can name it in the templates: an AppSync data source, a
 * state machine's definition, a function URL, or an IAM policy that lets a role invoke it (a resolver calling
 * a service's Commands function). It is background when event sources alone invoke it — event source
 * mappings, EventBridge rules, Pipes: projectors, relays, choreography handlers. A function with neither
 * (invoked by hand) is not background.
 *
 * Measured on 2 cores (100 orders at 16, the same assembly, runs alternated): placeOrder ack p99 2.3 s
 * against 3.5 s, 5.4 orders/s against 4.7, saga p99 9.0 s against 7.6 s. A third tier that also lowered the
 * functions only a state machine waits on cut the ack's p99 no further and doubled the saga's: not kept.
 */
import type { CloudModel } from '../assembly/model.js';

export const BACKGROUND_NICE_ENV = 'LOCAL_LAMBDA_BACKGROUND_NICE';
const DEFAULT_BACKGROUND_NICE = 10;

export const BACKGROUND_ENVIRONMENTS_ENV = 'LOCAL_LAMBDA_BACKGROUND_ENVIRONMENTS';

/**
 * How many environments a background function may have at once: LOCAL_LAMBDA_BACKGROUND_ENVIRONMENTS (1 to
 * 16), default 1. One is enough for work nobody waits on: a second batch waits for the first and comes
 * bigger, read and written once per view. Measured on 2 cores, 300 orders at 16, runs alternated against the
 * per-function share (2 here): 5.8 and 6.0 orders/s against 5.1 and 4.9, saga p99 7.3 and 8.5 s against 15.0
 * and 16.9, ack p99 3.3 and 3.2 s against 3.6 and 3.8, the cloud's RSS 1.53-1.61 GB against 1.69-1.70; the
 * price, read models catching up 8-11 s after the last saga instead of 4-4.5 s.
 */
export function backgroundEnvironments(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[BACKGROUND_ENVIRONMENTS_ENV];
  if (raw === undefined || raw === '') return 1;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new Error(`${BACKGROUND_ENVIRONMENTS_ENV} must be an integer from 1 to 16, not ${raw}`);
  }
  return count;
}

/** The nice value of background functions: LOCAL_LAMBDA_BACKGROUND_NICE (0 to 19), default 10. */
export function backgroundNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[BACKGROUND_NICE_ENV];
  if (raw === undefined || raw === '') return DEFAULT_BACKGROUND_NICE;
  const nice = Number(raw);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new Error(`${BACKGROUND_NICE_ENV} must be an integer from 0 to 19, not ${raw}`);
  }
  return nice;
}

/** The names of the background functions among `names` (see the module comment). */
export function backgroundFunctions(model: CloudModel, names: readonly string[]): Set<string> {
  const texts = (types: readonly string[], keep: (props: Record<string, unknown>) => unknown = (p) => p) =>
    types.flatMap((type) =>
      model.resources(type).flatMap((resource) => {
        const props = resolvedProperties(model, resource);
        if (props) return [JSON.stringify(keep(props))];
        const fn = functionNameOf(model, resource);
        return fn === undefined ? [] : [fn];
      }),
    );
  const waitedOn = [
    ...texts(['AWS::AppSync::DataSource', 'AWS::StepFunctions::StateMachine', 'AWS::Lambda::Url']),
    ...texts(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'], (props) =>
      invokeStatements(props.PolicyDocument),
    ),
    ...texts(['AWS::IAM::Role'], (props) =>
      ((props.Policies as { PolicyDocument?: unknown }[] | undefined) ?? []).map((policy) =>
        invokeStatements(policy.PolicyDocument),
      ),
    ),
  ];
  const sources = texts(['AWS::Lambda::EventSourceMapping', 'AWS::Events::Rule', 'AWS::Pipes::Pipe']);
  return new Set(
    names.filter((name) => {
      // The name as a whole segment of an ARN, a path or a JSON string (not a prefix of a longer name).
      const named = new RegExp(`(^|[:"/])${escapeRegExp(name)}($|[:"/])`);
      return sources.some((text) => named.test(text)) && !waitedOn.some((text) => named.test(text));
    }),
  );
}

function resolvedProperties(
  model: CloudModel,
  resource: ReturnType<CloudModel['resources']>[number],
): Record<string, unknown> | undefined {
  try {
    return model.properties(resource);
  } catch {
    return undefined;
  }
}

/** A resource's FunctionName alone, resolved (when the whole resource does not resolve locally yet). */
function functionNameOf(
  model: CloudModel,
  resource: ReturnType<CloudModel['resources']>[number],
): string | undefined {
  try {
    const fn = (resource.definition.Properties as Record<string, unknown> | undefined)?.FunctionName;
    return fn === undefined ? undefined : JSON.stringify(model.resolver(resource.stackName).resolve(fn));
  } catch {
    return undefined;
  }
}

/** The statements of a policy document that allow invoking a function. */
function invokeStatements(document: unknown): unknown[] {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.filter((statement) => {
    const { Effect, Action } = statement as { Effect?: string; Action?: unknown };
    const actions = (Array.isArray(Action) ? Action : [Action]).map(String);
    return Effect === 'Allow' && actions.some((a) => /^lambda:(\*|Invoke\*|InvokeFunction)$/.test(a));
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
