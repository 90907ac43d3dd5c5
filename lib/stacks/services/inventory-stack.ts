import { fileURLToPath } from 'node:url';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PRODUCT_VIEW_TABLE_ENV } from '../../../functions/inventory/read-model/product-view.js';
import { detailTypes } from '../../../functions/kernel/events/catalogue.js';
import type { ServiceFunction } from '../../constructs/service-function.js';
import { LocalRole, markLocalRole } from '../../local-roles.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (handler: string) =>
  fileURLToPath(new URL(`../../../functions/inventory/handlers/${handler}.ts`, import.meta.url));

/**
 * The inventory bounded context: the catalogue and its stock.
 * - `Commands`: AddProduct, Restock, ReserveStock, ReleaseStock (functions/inventory/handlers/commands.ts).
 * - `Projector`: the ProductView read model (sku, name, price, available, reserved), from the product
 *   streams' events only.
 *
 * A stock movement is stored twice: the reservation stream's StockReserved / StockReleased (every line of the
 * order) and the product streams' per-SKU ledger copies. The outbox relays both. Consumers count one: the
 * ProductView rule takes `detail.streamId` prefix `product#`; a consumer of the order's reservation (the saga,
 * notifications, analytics) takes prefix `reservation#` (see `reservationStreamPattern`).
 */
export class InventoryStack extends ServiceStack {
  public readonly commands: ServiceFunction;
  public readonly projector: ServiceFunction;
  public readonly productView: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'inventory' }, props);

    this.commands = this.addFunction('Commands', {
      entry: entry('commands'),
      description: 'Inventory commands: AddProduct, Restock, ReserveStock, ReleaseStock',
    });
    this.store.grantAppend(this.commands);
    markLocalRole(this.commands.function, LocalRole.inventoryCommands);

    this.productView = this.addReadModel('ProductView', {
      partitionKey: 'sku',
      environmentVariable: PRODUCT_VIEW_TABLE_ENV,
    });
    markLocalRole(this.productView, LocalRole.productView);
    const projector = this.addProjector('Projector', {
      entry: entry('projector'),
      description: 'Inventory projector: ProductView from the product streams',
    });
    this.projector = projector.fn;
    this.store.grantRead(this.projector);
    this.grantReadModel(this.productView, this.projector, 'write');
    this.project('ProductViewRule', projector.queue, {
      source: ['commerceforge.inventory'],
      detailType: detailTypes('ProductAdded', 'StockRestocked', 'StockReserved', 'StockReleased'),
      detail: { streamId: [{ prefix: 'product#' }] },
    });
  }
}

/**
 * The `detail` filter for subscribers of StockReserved / StockReleased that want each movement once, with
 * every line of the order: the reservation stream's fact, not the product streams' ledger copies.
 */
export const reservationStreamPattern = { streamId: [{ prefix: 'reservation#' }] } as const;
