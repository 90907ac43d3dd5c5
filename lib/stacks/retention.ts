import { RemovalPolicy } from 'aws-cdk-lib';
import type { PlatformConfig } from '../config.js';

/**
 * What happens to the stage's stateful resources (tables, queues, archives, log groups, keys) when the stack
 * is deleted or a resource replaced: the one reading of `stageDefaults.retainData`. Every stack takes it once
 * and hands it to its constructs as their `removalPolicy`; a table given RETAIN also gets deletion protection
 * (`serviceTableProps`), so prod's data survives `cdk destroy` and a console click, and dev's does not.
 */
export function dataRemovalPolicy(config: PlatformConfig): RemovalPolicy {
  return config.stageDefaults.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
