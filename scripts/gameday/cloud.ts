/**
 * A local cloud for the game day: the one already answering at the endpoint, or one started in this process as
 * `npm start` starts it (synth first when cdk.out is stale), stopped when the game day ends.
 */
import path from 'node:path';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { consoleLogger, quietLogger } from '../../local/core/log.js';
import { PROJECT_ROOT } from '../../local/lambda/runtime-env.js';
import { assemblyIsStale, synthesize } from '../../local/synth.js';
import { commerceForgePlugins } from '../../local-app/plugins.js';
import { GameDayError } from './errors.js';

export interface CloudHandle {
  readonly endpoint: string;
  /** True when this process started it (and will stop it). */
  readonly started: boolean;
  stop(): Promise<void>;
}

/** True when something answers `/health` at the endpoint within 2 s. */
export async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function ensureLocalCloud(
  endpoint: string,
  options: {
    /** A cloud assembly to run instead of the project's cdk.out (no synth then), as `npm start --app`. */
    app?: string;
    verbose?: boolean;
    log: (line: string) => void;
  },
): Promise<CloudHandle> {
  if (await answers(endpoint)) {
    options.log(`gameday: using the cloud at ${endpoint}`);
    return { endpoint, started: false, stop: async () => {} };
  }
  const url = new URL(endpoint);
  if (!['localhost', '127.0.0.1'].includes(url.hostname))
    throw new GameDayError(
      'NO_CLOUD',
      `nothing answers at ${endpoint}, and a local cloud can only start on localhost`,
    );
  const assemblyDir = path.resolve(options.app ?? path.join(PROJECT_ROOT, 'cdk.out'));
  if (!options.app && assemblyIsStale(PROJECT_ROOT, assemblyDir)) {
    options.log('gameday: cdk.out is missing or older than the sources: running cdk synth');
    try {
      synthesize(PROJECT_ROOT, assemblyDir);
    } catch (error) {
      throw new GameDayError('NO_CLOUD', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  }
  options.log(`gameday: no cloud at ${endpoint}: starting one in this process`);
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      assemblyDir,
      port: Number(url.port || 80),
      // What npm start runs: the generic plugins and CommerceForge's own (the seed catalogue, the warehouse).
      plugins: commerceForgePlugins(),
      logger: options.verbose ? consoleLogger : quietLogger,
    });
  } catch (error) {
    throw new GameDayError('NO_CLOUD', `the local cloud did not start: ${String(error)}`, { cause: error });
  }
  options.log(`gameday: local cloud ready on ${cloud.url}`);
  return { endpoint, started: true, stop: () => cloud.stop() };
}
