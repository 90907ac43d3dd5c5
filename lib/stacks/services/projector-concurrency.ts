/**
 * Reserved concurrency of the inventory, orders and reviews projectors: a bulkhead. A burst of events (a
 * replay from the archive, the seed catalogue, a sale) queues in Lambda's asynchronous queue (EventBridge
 * targets are invoked asynchronously, throttles are retried) instead of taking the account's concurrency
 * from the command path, and fewer writers contend for one view's optimistic `_rev`. A projection is a few
 * DynamoDB calls (~10-50 ms warm), so two environments keep up with tens of events a second; raise it for more.
 *
 * Measured locally (a loaded 2-core machine): the seed's 10 ProductAdded fanned out to 10 cold starts per
 * projector at once, and the catalogue took 14-26 s to reach ProductView; see the commit that set this.
 */
export const PROJECTOR_CONCURRENCY = 2;
