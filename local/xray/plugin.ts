/**
 * Serves X-Ray's read API (GetTraceSummaries, BatchGetTraces) on the endpoint over the traces the core's
 * collector gathers. A plugin rather than core: the collector is what functions need, the API is for people
 * and tools reading traces.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { registerXRayApi } from './api.js';

export function xrayApiPlugin(): LocalCloudPlugin {
  let cloud: LocalCloud | undefined;
  return {
    name: 'xray',
    resourceTypes: [],
    start(started: LocalCloud) {
      cloud = started;
      registerXRayApi(started.router, started.xray);
    },
    health: () => ({ traces: cloud?.xray.list().length ?? 0 }),
  };
}
