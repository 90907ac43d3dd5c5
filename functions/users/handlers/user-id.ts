import { uuidV5 } from '../../kernel/ids.js';

/** Namespace of CommerceForge user ids (a fixed random UUID: changing it renames every future user). */
export const USER_ID_NAMESPACE = '5b1f7c2e-8d43-4e6a-b0f9-2a7c9d41e35b';

/**
 * The id of a user registered by `commandId`: a name-based UUID, so a retried RegisterUser (same command id:
 * a Lambda retry keeps the request id, a client resends its own) lands on the same stream instead of
 * creating a second account.
 */
export const userIdFor = (commandId: string): string => uuidV5(USER_ID_NAMESPACE, `register:${commandId}`);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fills in `data.userId` of a RegisterUser that came without one (the adapter's job: the domain takes ids in,
 * it never makes them up). Anything else passes unchanged to the domain's parseCommand, which judges it.
 */
export function withGeneratedUserId(input: unknown): unknown {
  if (!isObj(input) || input.type !== 'RegisterUser' || !isObj(input.data) || !isObj(input.metadata)) {
    return input;
  }
  if (input.data.userId !== undefined || typeof input.metadata.commandId !== 'string') return input;
  return { ...input, data: { ...input.data, userId: userIdFor(input.metadata.commandId) } };
}
