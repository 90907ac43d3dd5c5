/**
 * The seed plugin: once the local cloud runs, it adds the seed catalogue (functions/inventory/seed.ts)
 * through inventory's own Commands function — the real command path, so the products reach the event store,
 * the outbox, the bus and every read model fed by ProductAdded (inventory's ProductView, orders' PriceList)
 * exactly as a product added in AWS would — then waits until ProductView lists them and logs one line.
 *
 * It runs in the background: `start` returns at once, so `npm start` prints `ready` without waiting for it
 * (`done` settles when the seed is in ProductView). A SKU already added (a `--persist` restart) is skipped.
 * An app without inventory's Commands function (a test fixture) is left alone: the function and ProductView are
 * found by the roles InventoryStack marks them with (lib/local-roles.ts).
 */
import { type SeedProduct, seedCatalogue } from '../functions/inventory/seed.js';
import { LocalRole } from '../lib/local-roles.js';
import type { LocalCloud } from '../local/core/local-cloud.js';
import type { LocalCloudPlugin } from '../local/core/plugin.js';
import { LOCAL_AUTHORIZATION } from '../local/dynamodb/dynamodb-local.js';
import { dynamoDbCaller } from '../local/dynamodb/tables.js';
import { nameOfRole } from './resources.js';

export interface SeedOutcome {
  readonly added: readonly string[];
  readonly alreadyThere: readonly string[];
  /** Milliseconds from the plugin's start to the catalogue in ProductView. */
  readonly ms: number;
}

export interface SeedPluginOptions {
  /** @default seedCatalogue */
  readonly catalogue?: readonly SeedProduct[];
  /** How long to wait for the products in ProductView. @default 60_000 */
  readonly timeoutMs?: number;
}

export type SeedPlugin = LocalCloudPlugin & {
  /** Settles when the seed is done: undefined when the app has no inventory service or it was stopped. */
  readonly done: Promise<SeedOutcome | undefined>;
};

export function seedPlugin(options: SeedPluginOptions = {}): SeedPlugin {
  const catalogue = options.catalogue ?? seedCatalogue;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let stopped = false;
  let settle: (outcome: SeedOutcome | undefined) => void = () => {};
  const done = new Promise<SeedOutcome | undefined>((resolve) => {
    settle = resolve;
  });
  let state: 'idle' | 'seeding' | 'seeded' | 'skipped' | 'failed' = 'idle';

  async function seed(cloud: LocalCloud, startedAt: number): Promise<SeedOutcome | undefined> {
    const fn = nameOfRole(cloud, 'AWS::Lambda::Function', LocalRole.inventoryCommands);
    const tableName = nameOfRole(cloud, 'AWS::DynamoDB::Table', LocalRole.productView);
    if (!fn || !tableName) {
      state = 'skipped';
      return undefined;
    }
    state = 'seeding';
    const functionName = `${fn}:live`;
    const added: string[] = [];
    const alreadyThere: string[] = [];
    // One at a time: one warm execution environment instead of ten cold ones on a small machine.
    for (const product of catalogue) {
      if (stopped) return undefined;
      const out = await cloud.lambda.invoke(functionName, {
        command: { type: 'AddProduct', data: product },
        actor: { type: 'system', id: 'local-seed' },
        commandId: `seed-${product.sku}`,
      });
      const error = out.functionError
        ? (out.payload as { errorType?: string; errorMessage?: string })
        : undefined;
      if (!error) added.push(product.sku);
      else if (error.errorType === 'BusinessRuleError' && /already exists/.test(error.errorMessage ?? '')) {
        alreadyThere.push(product.sku);
      } else {
        throw new Error(`AddProduct ${product.sku}: ${error.errorType}: ${error.errorMessage}`);
      }
    }

    // Through the outbox, the bus and inventory's projector into ProductView.
    const call = dynamoDbCaller(cloud.dynamodb.endpoint, LOCAL_AUTHORIZATION);
    const wanted = new Set(catalogue.map((p) => p.sku));
    const deadline = Date.now() + timeoutMs;
    while (!stopped) {
      const out = await call('BatchGetItem', {
        RequestItems: {
          [tableName]: {
            Keys: [...wanted].map((sku) => ({ sku: { S: sku } })),
            ProjectionExpression: 'sku',
            ConsistentRead: true,
          },
        },
      });
      const items = ((out.Responses as Record<string, { sku?: { S?: string } }[]> | undefined)?.[tableName] ??
        []) as { sku?: { S?: string } }[];
      for (const item of items) if (item.sku?.S) wanted.delete(item.sku.S);
      if (wanted.size === 0) return { added, alreadyThere, ms: Date.now() - startedAt };
      if (Date.now() > deadline) {
        throw new Error(`not in ProductView after ${timeoutMs} ms: ${[...wanted].join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  return {
    name: 'seed',
    resourceTypes: [],
    done,
    start(cloud) {
      const startedAt = Date.now();
      // Not awaited: the cloud is ready before the seed is (see the module comment).
      void seed(cloud, startedAt).then(
        (outcome) => {
          if (outcome) {
            state = 'seeded';
            cloud.logger.info(
              `  seed: ${catalogue.length} products in the catalogue (${outcome.added.length} added, ` +
                `${outcome.alreadyThere.length} already there) in ${(outcome.ms / 1000).toFixed(1)} s`,
            );
          }
          settle(outcome);
        },
        (error: unknown) => {
          state = 'failed';
          if (!stopped)
            cloud.logger.warn(`  seed: failed: ${error instanceof Error ? error.message : String(error)}`);
          settle(undefined);
        },
      );
    },
    async stop() {
      stopped = true;
      // Let an AddProduct in flight finish before Lambda stops under it.
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    },
    health: () => ({ state, products: catalogue.length }),
  };
}
