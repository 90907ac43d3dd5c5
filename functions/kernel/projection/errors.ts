import { KernelError } from '../errors.js';

export type ProjectionErrorCode =
  /** The view's item changed under every attempt to write it (`_rev`): other writers kept winning. */
  | 'WRITE_CONTENTION'
  /** Versions missing before an event are not in the event store either. */
  | 'GAP_NOT_IN_STORE';

/** A projector could not bring a view up to date. */
export class ProjectionError extends KernelError {
  override readonly name = 'ProjectionError';
  constructor(
    readonly code: ProjectionErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
