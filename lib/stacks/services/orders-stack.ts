import { fileURLToPath } from 'node:url';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { detailTypes, typesOf } from '../../../functions/kernel/events/catalogue.js';
import { PRICE_LIST_TABLE_ENV } from '../../../functions/orders/handlers/price-list.js';
import {
  ORDER_VIEW_BY_CUSTOMER,
  ORDER_VIEW_TABLE_ENV,
} from '../../../functions/orders/read-model/order-view.js';
import type { ServiceFunction } from '../../constructs/service-function.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (handler: string) =>
  fileURLToPath(new URL(`../../../functions/orders/handlers/${handler}.ts`, import.meta.url));

/**
 * The orders bounded context.
 * - `Commands`: PlaceOrder, ConfirmOrder, CancelOrder, ShipOrder, DeliverOrder (functions/orders/handlers).
 * - `Projector`: the OrderView read model from orders' events, and PriceList — orders' own copy of the
 *   catalogue's prices, from inventory's ProductAdded — which PlaceOrder reads to price the lines.
 * - `OnShipment`: shipping's ShipmentDispatched / ShipmentDelivered ship and deliver the order.
 */
export class OrdersStack extends ServiceStack {
  public readonly commands: ServiceFunction;
  public readonly projector: ServiceFunction;
  public readonly onShipment: ServiceFunction;
  public readonly orderView: dynamodb.Table;
  public readonly priceList: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'orders' }, props);

    this.orderView = this.addReadModel('OrderView', {
      partitionKey: 'id',
      environmentVariable: ORDER_VIEW_TABLE_ENV,
      // ordersByCustomer: one customer's orders, newest first, a page at a time (a Query, not a Scan).
      globalSecondaryIndexes: [
        {
          indexName: ORDER_VIEW_BY_CUSTOMER.indexName,
          partitionKey: { name: ORDER_VIEW_BY_CUSTOMER.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: ORDER_VIEW_BY_CUSTOMER.sortKey, type: dynamodb.AttributeType.STRING },
        },
      ],
    });
    this.priceList = this.addReadModel('PriceList', {
      partitionKey: 'sku',
      environmentVariable: PRICE_LIST_TABLE_ENV,
    });

    this.commands = this.addFunction('Commands', {
      entry: entry('commands'),
      description: 'Orders commands: PlaceOrder, ConfirmOrder, CancelOrder, ShipOrder, DeliverOrder',
    });
    this.store.grantAppend(this.commands);
    this.grantReadModel(this.priceList, this.commands, 'read');

    const projector = this.addProjector('Projector', {
      entry: entry('projector'),
      description: 'Orders projector: OrderView, and PriceList from inventory',
    });
    this.projector = projector.fn;
    this.store.grantRead(this.projector);
    this.grantReadModel(this.orderView, this.projector, 'write');
    this.grantReadModel(this.priceList, this.projector, 'write');
    this.project('OrderViewRule', projector.queue, {
      source: ['commerceforge.orders'],
      detailType: typesOf('orders'),
    });
    this.project('PriceListRule', projector.queue, {
      source: ['commerceforge.inventory'],
      detailType: detailTypes('ProductAdded'),
    });

    this.onShipment = this.addFunction('OnShipment', {
      entry: entry('on-shipment'),
      description: 'Orders choreography: ShipmentDispatched → ShipOrder, ShipmentDelivered → DeliverOrder',
    });
    this.store.grantAppend(this.onShipment);
    this.subscribe('ShipmentRule', this.onShipment, {
      source: ['commerceforge.shipping'],
      detailType: detailTypes('ShipmentDispatched', 'ShipmentDelivered'),
    });
  }
}
