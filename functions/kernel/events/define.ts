import type * as z from '../zod.js';
import type { EventSource } from './envelope.js';

/** Non-empty list of data schemas: `versions[i]` is the `data` schema of version `i + 1`. */
export type VersionList = readonly [z.ZodMiniType, ...z.ZodMiniType[]];

/**
 * One upcaster per step between consecutive versions: `upcasters[i]` turns version `i + 1` data into
 * version `i + 2` data. Typed from the schemas, so a step that forgets a new required field does not compile.
 */
export type Upcasters<V extends readonly z.ZodMiniType[]> = V extends readonly [
  infer A extends z.ZodMiniType,
  infer B extends z.ZodMiniType,
  ...infer Rest extends z.ZodMiniType[],
]
  ? readonly [(data: z.output<A>) => z.input<B>, ...Upcasters<readonly [B, ...Rest]>]
  : readonly [];

export type LatestSchema<V extends VersionList> = V extends readonly [
  ...z.ZodMiniType[],
  infer L extends z.ZodMiniType,
]
  ? L
  : never;

export interface EventDefinition<
  T extends string = string,
  S extends EventSource = EventSource,
  V extends VersionList = VersionList,
> {
  readonly type: T;
  readonly service: S;
  readonly description: string;
  readonly versions: V;
  readonly upcasters: Upcasters<V>;
}

type DefinitionInput<T extends string, S extends EventSource, V extends VersionList> = {
  readonly type: T;
  readonly service: S;
  readonly description: string;
  readonly versions: V;
} & (V extends readonly [z.ZodMiniType]
  ? { readonly upcasters?: readonly [] }
  : { readonly upcasters: Upcasters<V> });

/** Declare an event type: its name (past tense), owning service, and every version of its data schema. */
export function defineEvent<const T extends string, const S extends EventSource, const V extends VersionList>(
  input: DefinitionInput<T, S, V>,
): EventDefinition<T, S, V> {
  const upcasters = (input.upcasters ?? []) as Upcasters<V>;
  if ((upcasters as readonly unknown[]).length !== input.versions.length - 1) {
    throw new Error(
      `${input.type}: ${input.versions.length} versions need ${input.versions.length - 1} upcasters`,
    );
  }
  return {
    type: input.type,
    service: input.service,
    description: input.description,
    versions: input.versions,
    upcasters,
  };
}
