/**
 * Service discovery through SSM Parameter Store: each service publishes what others need under
 * `/commerceforge/<stage>/<service>/<name>` (lib/constructs/service-discovery.ts), and a caller reads it here
 * with Powertools Parameters, cached per execution environment (five minutes unless told otherwise), instead of an environment
 * variable wired from the other service's stack. The same names are used at synth (the construct and its
 * least-privilege grants) and at run time (`discover`), so they cannot drift.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DiscoveryError, discoveryParameterName } from './discovery-names.js';

export { DiscoveryError, discoveryParameterName } from './discovery-names.js';

/** How long a discovered value is reused before SSM is asked again. @default 300 s */
export const DISCOVERY_MAX_AGE_SECONDS = 300;

export interface DiscoverOptions {
  /** Seconds a value is cached in this execution environment. @default DISCOVERY_MAX_AGE_SECONDS */
  readonly maxAgeSeconds?: number;
  /** @default process.env.STAGE */
  readonly stage?: string;
}

let provider: SSMProvider | undefined;

/** The provider every `discover` call shares (one cache per execution environment). Tests pass a client. */
export function discoveryProvider(client?: SSMClient): SSMProvider {
  if (client) provider = new SSMProvider({ awsSdkV3Client: client });
  provider ??= new SSMProvider();
  return provider;
}

/**
 * The value another service published as `name`, e.g. `discover('sandbox', 'payment-provider/url')`. Throws
 * DiscoveryError when it is not published (or not readable): nothing is guessed.
 */
export async function discover(
  service: string,
  name: string,
  options: DiscoverOptions = {},
): Promise<string> {
  const stage = options.stage ?? process.env.STAGE;
  if (!stage) throw new DiscoveryError('STAGE is not set: the function does not know its stage');
  const parameter = discoveryParameterName(stage, service, name);
  let value: string | undefined;
  try {
    value = await discoveryProvider().get(parameter, {
      maxAge: options.maxAgeSeconds ?? DISCOVERY_MAX_AGE_SECONDS,
    });
  } catch (error) {
    throw new DiscoveryError(`could not read ${parameter}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'string' || value === '') throw new DiscoveryError(`${parameter} is not published`);
  return value;
}
