import { KernelError } from '../errors.js';

/**
 * The loop guard. Every event carries `causationDepth`: 0 for the first event of a transaction, its cause's
 * depth + 1 for an event caused by another. A handler refuses to create an event deeper than the maximum:
 * a rule → handler → event → rule cycle (which Lambda's own recursion detection does not see through
 * EventBridge or streams) stops after a bounded number of hops instead of running and billing forever.
 * An envelope from before the field existed counts as depth 0.
 */

/** The maximum reaches every function in this variable (`MAX_CAUSATION_DEPTH` in lib/config.ts). */
export const MAX_CAUSATION_DEPTH_ENV = 'MAX_CAUSATION_DEPTH';
/**
 * The longest legitimate chain today is OrderPlaced → saga → ReserveStock/Charge/Ship/Confirm → mission tasks →
 * ShipmentDispatched → OrderShipped → … → ReviewRequested, under ten hops; 16 leaves room.
 */
export const DEFAULT_MAX_CAUSATION_DEPTH = 16;

/** The maximum from the environment; a missing or malformed value is the default (never "no guard"). */
export function maxCausationDepthFrom(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const value = Number(env[MAX_CAUSATION_DEPTH_ENV]?.trim() || Number.NaN);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_MAX_CAUSATION_DEPTH;
}

/** The depth of an event caused by `parent` (an older envelope without the field is depth 0). */
export function childDepth(parent: { readonly causationDepth?: number | undefined }): number {
  return (parent.causationDepth ?? 0) + 1;
}

/** A handler was about to create an event past the maximum causation depth: a probable event loop. */
export class CausationDepthExceededError extends KernelError {
  override readonly name = 'CausationDepthExceededError';
  readonly code = 'CAUSATION_DEPTH_EXCEEDED' as const;

  constructor(
    readonly depth: number,
    readonly maxDepth: number,
    readonly parentEventId: string,
    readonly parentType: string,
  ) {
    super(
      `refusing an event at causation depth ${depth} (maximum ${maxDepth}), caused by ${parentType} ${parentEventId}: probable event loop`,
    );
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      depth: this.depth,
      maxDepth: this.maxDepth,
      parentEventId: this.parentEventId,
      parentType: this.parentType,
    };
  }
}
