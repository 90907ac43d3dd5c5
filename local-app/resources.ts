/** Finds the app's resources by the role their stack marked them with (lib/local-roles.ts), not by path. */
import { LOCAL_ROLE_METADATA, type LocalRole } from '../lib/local-roles.js';
import type { LocalCloud } from '../local/core/local-cloud.js';

/** The physical name of the resource of `type` marked with `role`; undefined when the app has none. */
export function nameOfRole(cloud: LocalCloud, type: string, role: LocalRole): string | undefined {
  const resource = cloud.model
    .resources(type)
    .find((r) => r.definition.Metadata?.[LOCAL_ROLE_METADATA] === role);
  return resource ? cloud.model.identity(resource).name : undefined;
}
