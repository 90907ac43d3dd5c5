/**
 * The challenge sessions of sign-ins in progress: what the server must remember between InitiateAuth and
 * RespondToAuthChallenge (SRP's secret b, the user waiting for an MFA code). Each is an unguessable random
 * handle that expires with the client's `AuthSessionValidity` (Cognito's default 3 minutes), answers one
 * challenge (a wrong MFA code may be retried a few times), and is never valid for another client or challenge.
 */
import { randomBytes } from 'node:crypto';
import { CognitoError } from './errors.js';
import type { PoolClient, PoolUser, UserPool } from './pools.js';

interface Common {
  readonly pool: UserPool;
  readonly client: PoolClient;
}

export type PendingChallenge =
  | (Common & {
      readonly name: 'PASSWORD_VERIFIER';
      /** Undefined for a user name nobody has: the challenge is answered like any other, and fails. */
      readonly user: PoolUser | undefined;
      readonly userId: string;
      readonly A: bigint;
      readonly B: bigint;
      readonly b: bigint;
      readonly verifier: bigint;
    })
  | (Common & { readonly name: 'SOFTWARE_TOKEN_MFA'; readonly user: PoolUser });

/** A wrong MFA code may be retried on the same session this many times in all. */
const MFA_ATTEMPTS = 3;
/** Sign-ins left half-way are dropped beyond this many (each holds a few BigInts). */
const MAX_OPEN = 10_000;

export const sessionExpired = () =>
  new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');

interface Open {
  readonly challenge: PendingChallenge;
  readonly expiresAt: number;
  readonly attempts: number;
}

export class ChallengeSessions {
  private readonly open = new Map<string, Open>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session handle for `challenge` (base64, as Cognito's opaque Session and SECRET_BLOCK are). */
  start(challenge: PendingChallenge): string {
    this.sweep();
    const handle = randomBytes(96).toString('base64');
    const seconds = challenge.client.authSessionSeconds ?? 180;
    this.open.set(handle, { challenge, expiresAt: this.now() + seconds * 1000, attempts: 0 });
    return handle;
  }

  /**
   * The challenge `handle` waits on, when it is `name` for `clientId` and not expired. It is used up; `retry`
   * puts it back (same expiry) after a wrong MFA code, while attempts are left.
   */
  take<N extends PendingChallenge['name']>(
    handle: string | undefined,
    name: N,
    clientId: string,
  ): { challenge: Extract<PendingChallenge, { name: N }>; retry(): void } {
    const open = handle ? this.open.get(handle) : undefined;
    if (!open || !handle) throw sessionExpired();
    this.open.delete(handle);
    const { challenge } = open;
    if (open.expiresAt <= this.now() || challenge.client.clientId !== clientId || challenge.name !== name)
      throw sessionExpired();
    return {
      challenge: challenge as Extract<PendingChallenge, { name: N }>,
      retry: () => {
        if (open.attempts + 1 < MFA_ATTEMPTS) this.open.set(handle, { ...open, attempts: open.attempts + 1 });
      },
    };
  }

  get size(): number {
    return this.open.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [handle, open] of this.open) if (open.expiresAt <= now) this.open.delete(handle);
    while (this.open.size >= MAX_OPEN) {
      const oldest = this.open.keys().next().value;
      if (oldest === undefined) break;
      this.open.delete(oldest);
    }
  }
}
