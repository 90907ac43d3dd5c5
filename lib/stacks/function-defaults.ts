import type * as logs from 'aws-cdk-lib/aws-logs';
import type { PlatformConfig } from '../config.js';
import type { ServiceFunctionProps } from '../constructs/service-function.js';
import { dataRemovalPolicy } from './retention.js';

export type FunctionDefaults = Pick<
  ServiceFunctionProps,
  'logLevel' | 'tracing' | 'logRetention' | 'removalPolicy'
>;

/**
 * What the stage's configuration says about every function of the app (log level, tracing, log retention,
 * removal policy): the one mapping from `PlatformConfig` to `ServiceFunction` props, spread first so that a
 * function's own props win. The runtime knobs travel in the environment (`runtimeEnvironment`).
 */
export function functionDefaults(config: PlatformConfig): FunctionDefaults {
  return {
    logLevel: config.logLevel,
    tracing: config.tracing.enabled,
    // RetentionDays' values are the days themselves.
    logRetention: config.stageDefaults.logRetentionDays as logs.RetentionDays,
    removalPolicy: dataRemovalPolicy(config),
  };
}
