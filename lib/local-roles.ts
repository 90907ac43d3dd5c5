/**
 * What CommerceForge's app-side local plugins (`local-app/`) look for in the synthesized templates: the stack
 * that owns a resource marks it with a role in its CloudFormation `Metadata`, and the plugin finds the
 * resource by that role. A construct id can be renamed without turning a plugin off silently; the metadata
 * changes nothing that AWS deploys.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The `Metadata` key of the role. */
export const LOCAL_ROLE_METADATA = 'commerceforge:local-role';

/** Every role a resource can carry, one name each. */
export const LocalRole = {
  /** The inventory Commands function: the seed adds the catalogue through it. */
  inventoryCommands: 'inventory/commands',
  /** The ProductView table: the seed waits for the catalogue there. */
  productView: 'inventory/product-view',
  /** The shipping Commands function: the warehouse agent sends its commands to it. */
  shippingCommands: 'shipping/commands',
  /** The shipping event store table: the warehouse agent reads missions and shipments from it. */
  shippingEventStore: 'shipping/event-store',
} as const;
export type LocalRole = (typeof LocalRole)[keyof typeof LocalRole];

/** Marks `construct`'s CloudFormation resource (its default child, e.g. a Function's CfnFunction) with `role`. */
export function markLocalRole(construct: IConstruct, role: LocalRole): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to mark as ${role}`);
  }
  resource.addMetadata(LOCAL_ROLE_METADATA, role);
}
