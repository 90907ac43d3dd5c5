import type * as z from '../zod.js';
import { inventoryEvents } from './catalogue/inventory.js';
import { notificationsEvents } from './catalogue/notifications.js';
import { ordersEvents } from './catalogue/orders.js';
import { paymentsEvents } from './catalogue/payments.js';
import { reviewsEvents } from './catalogue/reviews.js';
import { sagaEvents } from './catalogue/saga.js';
import { securityEvents } from './catalogue/security.js';
import { shippingEvents } from './catalogue/shipping.js';
import { usersEvents } from './catalogue/users.js';
import type { EventDefinition, LatestSchema, VersionList } from './define.js';
import { type EnvelopeMeta, type EventSource, envelopeSchemaFor } from './envelope.js';

/** Every event type of every service. Add a service's list here and its events join the contract. */
export const eventDefinitions = [
  ...usersEvents,
  ...inventoryEvents,
  ...ordersEvents,
  ...paymentsEvents,
  ...shippingEvents,
  ...notificationsEvents,
  ...reviewsEvents,
  ...sagaEvents,
  ...securityEvents,
] as const;

type AnyDefinition = (typeof eventDefinitions)[number];
export type EventType = AnyDefinition['type'];
type DefinitionOf<T extends EventType> = Extract<AnyDefinition, { type: T }>;

export type ServiceOf<T extends EventType> = DefinitionOf<T>['service'];
export type LatestVersionOf<T extends EventType> = DefinitionOf<T>['versions']['length'];
/** The newest `data` shape of an event type (what handlers see after upcasting). */
export type EventData<T extends EventType> = z.output<LatestSchema<DefinitionOf<T>['versions']>>;
/** What a producer passes to build the newest version (defaults not yet applied). */
export type EventDataInput<T extends EventType> = z.input<LatestSchema<DefinitionOf<T>['versions']>>;

/** The envelope of one event type at its newest version. */
export type DomainEventOf<T extends EventType> = EnvelopeMeta & {
  type: T;
  version: LatestVersionOf<T>;
  source: ServiceOf<T>;
  data: EventData<T>;
};

/** Every domain event, newest versions: a discriminated union on `type`. */
export type DomainEvent = { [T in EventType]: DomainEventOf<T> }[EventType];

/** The events one service publishes, e.g. `EventOfService<'orders'>`. */
export type EventOfService<S extends EventSource> = Extract<DomainEvent, { source: S }>;

export interface CatalogueEntry {
  readonly type: EventType;
  readonly version: number;
  readonly service: EventSource;
  /** The whole envelope for this (type, version): metadata plus the typed `data`. */
  readonly schema: z.ZodMiniType;
  /** The `data` schema alone. */
  readonly dataSchema: z.ZodMiniType;
  readonly description: string;
  readonly latest: boolean;
}

export function catalogueEntries(definitions: readonly EventDefinition[]): CatalogueEntry[] {
  const seen = new Set<string>();
  const entries: CatalogueEntry[] = [];
  for (const def of definitions) {
    if (seen.has(def.type)) throw new Error(`event type ${def.type} is defined twice`);
    seen.add(def.type);
    def.versions.forEach((dataSchema, i) => {
      const version = i + 1;
      entries.push({
        type: def.type as EventType,
        version,
        service: def.service,
        schema: envelopeSchemaFor(def.type, version, def.service, dataSchema),
        dataSchema,
        description: def.description,
        latest: version === def.versions.length,
      });
    });
  }
  return entries;
}

/** One entry per (type, version), in catalogue order. */
export const catalogue: readonly CatalogueEntry[] = catalogueEntries(eventDefinitions);

const definitionsByType = new Map<string, EventDefinition<string, EventSource, VersionList>>(
  eventDefinitions.map((d) => [d.type, d as EventDefinition<string, EventSource, VersionList>]),
);
const entriesByKey = new Map(catalogue.map((e) => [`${e.type}@${e.version}`, e]));

export const eventTypes: readonly EventType[] = eventDefinitions.map((d) => d.type);

export function isEventType(type: string): type is EventType {
  return definitionsByType.has(type);
}

export function findDefinition(type: string): EventDefinition | undefined {
  return definitionsByType.get(type);
}

export function findEntry(type: string, version: number): CatalogueEntry | undefined {
  return entriesByKey.get(`${type}@${version}`);
}

export function latestEntry(type: string): CatalogueEntry | undefined {
  const def = definitionsByType.get(type);
  return def ? findEntry(type, def.versions.length) : undefined;
}

export function latestVersion(type: string): number | undefined {
  return definitionsByType.get(type)?.versions.length;
}

export function serviceOf(type: string): EventSource | undefined {
  return definitionsByType.get(type)?.service;
}

export function entriesOf(service: EventSource): CatalogueEntry[] {
  return catalogue.filter((e) => e.service === service);
}

/** The event types a service publishes, for rule patterns: `{ source: [...], 'detail-type': typesOf('orders') }`. */
export function typesOf(service: EventSource): EventType[] {
  return eventDefinitions.filter((d) => d.service === service).map((d) => d.type);
}

/** Some of the catalogue's event types, for a rule pattern that wants fewer than `typesOf`: a misspelt one does not compile. */
export function detailTypes<const T extends EventType>(...types: T[]): T[] {
  return types;
}
