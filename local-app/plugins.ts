/**
 * What CommerceForge adds to the generic local cloud: the seed catalogue and the simulated warehouse staff
 * (and, later, the sandbox providers). `npm start` and the e2e tests' `startLocalApp` run the same set:
 * the default plugins, then these.
 */
import { type DefaultPlugins, type DefaultPluginsOptions, defaultPlugins } from '../local/plugins.js';
import { type SeedPlugin, seedPlugin } from './seed.js';
import { type WarehouseAgentPlugin, warehouseAgentPlugin } from './warehouse-agent.js';

export type CommerceForgePlugins = DefaultPlugins & {
  readonly seed: SeedPlugin;
  readonly warehouseAgent: WarehouseAgentPlugin;
};

export function commerceForgePlugins(options: DefaultPluginsOptions = {}): CommerceForgePlugins {
  const defaults = defaultPlugins(options);
  const warehouseAgent = warehouseAgentPlugin({
    bridge: () => {
      const service = defaults.eventBridge.service;
      if (!service) throw new Error('the local EventBridge has not started');
      return service.bridge;
    },
  });
  const seed = seedPlugin();
  // Appended to the defaults' own array: it keeps their named handles, whatever plugins they gain.
  defaults.push(warehouseAgent, seed);
  return Object.assign(defaults, { seed, warehouseAgent });
}
