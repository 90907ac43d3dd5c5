import { ConcurrencyError } from '../../kernel/domain/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import {
  type EventStore,
  type MetadataSource,
  type Rehydrated,
  type SnapshotPolicy,
  streamWrite,
} from '../../kernel/store/index.js';
import {
  evolveProduct,
  mergeLines,
  type ProductState,
  parseCommand,
  productDecider,
  productLedger,
  productStreamId,
  type ReleaseStock,
  type ReservationState,
  type ReserveStock,
  reservationDecider,
  reservationStreamId,
  type StockLevel,
  stockLevelOf,
} from '../domain/index.js';
import { StockReservationFailedError } from './errors.js';

/**
 * Product streams grow by one ledger copy per reservation and release of the SKU: snapshot them so a hot
 * product's fold stays short. Bump `revision` when ProductState changes shape.
 */
export const productSnapshots: SnapshotPolicy<ProductState> = { every: 50, revision: 'product-1' };

/** ReserveStock as a caller sends it: the handler reads the stock levels itself, and names the reservation. */
export type ReserveStockRequest = Omit<ReserveStock, 'data'> & {
  readonly data: Omit<ReserveStock['data'], 'stock' | 'reservationId'> & { readonly reservationId?: string };
};

/** What ReserveStock and ReleaseStock answer: the order's reservation after the command. */
export type ReservationResult = { readonly orderId: string } & (
  | { readonly status: 'NONE' }
  | Exclude<ReservationState, { status: 'NONE' }>
);

export interface ReservationOutcome {
  readonly events: readonly DomainEvent[];
  readonly result: ReservationResult;
}

const MAX_ATTEMPTS = 4;
const pause = (retry: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 25 * 2 ** (retry - 1))));

/**
 * ReserveStock and ReleaseStock: the reservation stream decides (all lines or none, once per order), and its
 * facts go to the store together with the per-SKU ledger copies in the product streams, in ONE
 * TransactWriteItems, each stream at the version that was read. A restock or another order's reservation of
 * any of the SKUs in between fails the transaction (ConcurrencyError): everything is read and decided again.
 * So a product's stream alone says how many units are available, and availability never goes below zero.
 */
export async function handleReservation(
  store: EventStore,
  request: ReserveStockRequest | ReleaseStock,
  metadata: MetadataSource,
): Promise<ReservationOutcome> {
  const { orderId } = request.data;
  const streamId = reservationStreamId(orderId);
  for (let attempt = 1; ; attempt++) {
    const reservation = await store.rehydrate(streamId, reservationDecider);
    const skus =
      request.type === 'ReserveStock'
        ? mergeLines(request.data.items).map((line) => line.sku)
        : reservation.state.status === 'RESERVED'
          ? reservation.state.items.map((line) => line.sku)
          : [];
    const products = new Map<string, Rehydrated<ProductState>>(
      await Promise.all(
        skus.map(
          async (sku) =>
            [sku, await store.rehydrate(productStreamId(sku), productDecider, productSnapshots)] as const,
        ),
      ),
    );
    const command =
      request.type === 'ReserveStock'
        ? parseCommand({
            ...request,
            data: {
              ...request.data,
              // One reservation per order: unless the caller names it, the order id does.
              reservationId: request.data.reservationId ?? orderId,
              stock: [...products.values()]
                .map((p) => stockLevelOf(p.state))
                .filter((level): level is StockLevel => level !== undefined),
            },
          })
        : request;
    const facts = reservationDecider.decide(command as ReserveStock | ReleaseStock, reservation.state);
    if (facts.length === 0) return outcome(request, [], reservation.state);

    const writes = [
      streamWrite(streamId, reservation.version, facts, metadata),
      ...productLedger(facts).map((entry) => {
        const product = products.get(entry.sku);
        // The decider reserves (and releases) only SKUs whose stream it was given.
        if (!product) throw new Error(`ledger copy for ${entry.sku}, whose stream was not read`);
        return streamWrite(productStreamId(entry.sku), product.version, entry.facts, metadata);
      }),
    ];
    try {
      // Every version was just read: see AppendOptions.versionFromRead.
      await store.appendMany(writes, { versionFromRead: true });
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
      continue;
    }
    await snapshotProducts(store, products, writes.slice(1));
    const events = writes.flatMap((w) => w.events);
    return outcome(request, events, facts.reduce(reservationDecider.evolve, reservation.state));
  }
}

/** The result, or for a ReserveStock whose order could not be reserved, StockReservationFailedError. */
function outcome(
  request: ReserveStockRequest | ReleaseStock,
  events: readonly DomainEvent[],
  state: ReservationState,
): ReservationOutcome {
  const { orderId } = request.data;
  if (request.type === 'ReserveStock' && state.status === 'FAILED') {
    const short = state.unavailable.map((l) => `${l.sku} (${l.available} of ${l.requested})`).join(', ');
    throw new StockReservationFailedError(
      `no stock reserved for order ${orderId}: ${state.reason} ${short}`,
      {
        orderId,
        reason: state.reason,
        unavailable: state.unavailable,
        recorded: events.length > 0,
      },
    );
  }
  return { events, result: state.status === 'NONE' ? { orderId, status: 'NONE' } : { ...state } };
}

/** Best effort, as handleCommand does: a failed snapshot costs the next load a few events, not the command. */
async function snapshotProducts(
  store: EventStore,
  products: ReadonlyMap<string, Rehydrated<ProductState>>,
  writes: readonly { streamId: string; expectedVersion: number; events: readonly DomainEvent[] }[],
): Promise<void> {
  const { every } = productSnapshots;
  await Promise.all(
    writes.map(async (write) => {
      const after = write.expectedVersion + write.events.length;
      if (Math.floor(after / every) === Math.floor(write.expectedVersion / every)) return;
      const loaded = products.get(write.streamId.slice('product#'.length));
      if (!loaded) return;
      const state = write.events.reduce(
        (s, e) => evolveProduct(s, e as Parameters<typeof evolveProduct>[1]),
        loaded.state,
      );
      try {
        await store.saveSnapshot({ streamId: write.streamId, version: after, state }, productSnapshots);
      } catch {
        // the next load folds a few more events from the last snapshot
      }
    }),
  );
}
