/**
 * How later parts (EventBridge, Step Functions, AppSync, the console, FIS...) join the local cloud: a plugin
 * names the resource types it runs (so start-up does not report them as unsupported), and is started once
 * the core (DynamoDB, Lambda, SQS, X-Ray) runs, with access to the whole cloud.
 */
import type { LocalCloud } from './local-cloud.js';

export interface LocalCloudPlugin {
  readonly name: string;
  /** CloudFormation resource types this plugin runs, e.g. `AWS::Events::Rule`. */
  readonly resourceTypes: readonly string[];
  /** Registers services/routes on `cloud` (`cloud.registerService`, `cloud.router.addRoute`). */
  start(cloud: LocalCloud): Promise<void> | void;
  stop?(): Promise<void> | void;
  /** What the plugin runs, for `/health`. */
  health?(): unknown;
}
