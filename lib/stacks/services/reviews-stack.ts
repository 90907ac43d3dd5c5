import { fileURLToPath } from 'node:url';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { detailTypes, typesOf } from '../../../functions/kernel/events/catalogue.js';
import { REVIEWABLE_ORDERS_TABLE_ENV } from '../../../functions/reviews/handlers/order-facts.js';
import { PRODUCT_RATING_TABLE_ENV } from '../../../functions/reviews/read-model/product-rating.js';
import type { ServiceFunction } from '../../constructs/service-function.js';
import { BACKGROUND_PROJECTOR_QUEUE, ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (handler: string) =>
  fileURLToPath(new URL(`../../../functions/reviews/handlers/${handler}.ts`, import.meta.url));

/**
 * The reviews bounded context.
 * - `Commands`: SubmitReview, for a SKU of a delivered order, by its customer, once per order and SKU.
 * - `Projector`: ProductRating from ReviewSubmitted, and ReviewableOrders — reviews' own copy of the orders'
 *   customer, SKUs and delivery, from every orders event — which SubmitReview reads.
 */
export class ReviewsStack extends ServiceStack {
  public readonly commands: ServiceFunction;
  public readonly projector: ServiceFunction;
  public readonly productRating: dynamodb.Table;
  public readonly reviewableOrders: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'reviews' }, props);

    this.productRating = this.addReadModel('ProductRating', {
      partitionKey: 'sku',
      environmentVariable: PRODUCT_RATING_TABLE_ENV,
    });
    this.reviewableOrders = this.addReadModel('ReviewableOrders', {
      partitionKey: 'orderId',
      environmentVariable: REVIEWABLE_ORDERS_TABLE_ENV,
    });

    this.commands = this.addFunction('Commands', {
      entry: entry('commands'),
      description: 'Reviews commands: SubmitReview',
    });
    this.store.grantAppend(this.commands);
    this.grantReadModel(this.reviewableOrders, this.commands, 'read');

    const projector = this.addProjector('Projector', {
      entry: entry('projector'),
      description: 'Reviews projector: ProductRating, and ReviewableOrders from orders',
      queue: BACKGROUND_PROJECTOR_QUEUE,
    });
    this.projector = projector.fn;
    this.store.grantRead(this.projector);
    this.grantReadModel(this.productRating, this.projector, 'write');
    this.grantReadModel(this.reviewableOrders, this.projector, 'write');
    this.project('ProductRatingRule', projector.queue, {
      source: ['commerceforge.reviews'],
      detailType: detailTypes('ReviewSubmitted'),
    });
    // Every orders event, not only placed and delivered: see ReviewableOrders.
    this.project('ReviewableOrdersRule', projector.queue, {
      source: ['commerceforge.orders'],
      detailType: typesOf('orders'),
    });
  }
}
