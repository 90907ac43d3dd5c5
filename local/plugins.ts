/**
 * The plugins `npm start` runs on top of the core (DynamoDB, Lambda, SQS, X-Ray). Each later part of the local
 * cloud (EventBridge, Step Functions, AppSync, the console, FIS) adds its `LocalCloudPlugin` here; tests pass
 * their own list to `startLocalCloud`.
 */
import type { LocalCloudPlugin } from './core/plugin.js';

export function defaultPlugins(): LocalCloudPlugin[] {
  return [];
}
