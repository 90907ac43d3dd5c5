/**
 * The names of service discovery: `/commerceforge/<stage>/<service>/<name>`, shared by the construct that
 * publishes and grants them (lib/constructs/service-discovery.ts) and the runtime that reads them
 * (discovery.ts), so the two cannot drift. No AWS import: synth loads it.
 */
import { KernelError } from './errors.js';

export const DISCOVERY_ROOT = '/commerceforge';

/** A service or a name under it: lowercase words with dashes, levels separated by `/` (e.g. `payment-provider/url`). */
const SEGMENTS = /^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)*$/;

export class DiscoveryError extends KernelError {
  override readonly name = 'DiscoveryError';
  readonly code = 'DISCOVERY_FAILED';
}

/** `/commerceforge/<stage>/<service>/<name>`; a malformed part is a programming error, refused at once. */
export function discoveryParameterName(stage: string, service: string, name: string): string {
  for (const [what, value] of [
    ['stage', stage],
    ['service', service],
    ['name', name],
  ] as const) {
    if (!SEGMENTS.test(value))
      throw new DiscoveryError(`discovery ${what} ${JSON.stringify(value)} is malformed`);
  }
  return `${DISCOVERY_ROOT}/${stage}/${service}/${name}`;
}
