/**
 * Where the game day runs: the local cloud's one endpoint, or a deployed stage through the SDK's default
 * endpoints and credential chain. Every AWS call the runner makes goes through `clientConfig`, so the same code
 * reads a local and a deployed stage.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { discoveryParameterName } from '../../functions/kernel/discovery-names.js';
import { GameDayError } from './errors.js';

export interface Target {
  /** The local cloud's endpoint; undefined for a deployed stage (the SDK's own endpoints). */
  readonly endpoint?: string;
  readonly region: string;
  readonly stage: string;
}

export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function clientConfig(target: Target): ClientConfig {
  if (!target.endpoint) return { region: target.region };
  // The local cloud checks no signature, but the SDK signs nothing without credentials: dummy ones unless the
  // caller's environment has its own.
  const fromEnv = process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY;
  return {
    region: target.region,
    endpoint: target.endpoint,
    ...(fromEnv ? {} : { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  };
}

/** Service discovery (`/commerceforge/<stage>/<service>/<name>`), as the services themselves find each other. */
export function discovery(target: Target) {
  const ssm = new SSMClient(clientConfig(target));
  const cache = new Map<string, string>();
  return {
    async get(service: string, name: string): Promise<string> {
      const parameter = discoveryParameterName(target.stage, service, name);
      const known = cache.get(parameter);
      if (known) return known;
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameter }));
        if (!Parameter?.Value) throw new Error('empty');
        cache.set(parameter, Parameter.Value);
        return Parameter.Value;
      } catch (error) {
        throw new GameDayError('COLLECT', `discovery parameter ${parameter}: ${String(error)}`, {
          cause: error,
        });
      }
    },
    destroy: () => ssm.destroy(),
  };
}

export type Discovery = ReturnType<typeof discovery>;
