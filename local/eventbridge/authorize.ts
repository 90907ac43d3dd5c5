/**
 * PutEvents authorization, per entry: `events:source` and `events:detail-type` are the entry's, evaluated
 * against the caller's identity policies and the bus's resource policy (local/iam). What AWS answers:
 * - a caller no identity policy lets put events on the bus at all: the whole request fails,
 *   AccessDeniedException ("... because no identity-based policy allows the events:PutEvents action");
 * - an entry an explicit Deny refuses (e.g. the bus policy reserving a source): that entry fails with
 *   AccessDeniedException, the others go through;
 * - an entry no Allow covers (an identity grant scoped to other sources): NotAuthorizedForSourceException.
 */
import { AwsError } from '../core/aws-service.js';
import { authorize, identityMayAllow, type LocalPrincipal, type PolicyDocument } from '../iam/policy.js';
import type { PutEventsRequestEntry, PutEventsResultEntry } from './put-events.js';

export interface PutEventsIdentities {
  principalForAccessKey(accessKeyId: string | undefined): LocalPrincipal;
  principalForRole(roleArn: string): LocalPrincipal;
}

/** An endpoint request's access key (none or unknown: the account's root), or a role acting in process. */
export type PutEventsCaller = { readonly accessKeyId: string | undefined } | { readonly roleArn: string };

export interface PutEventsCandidate {
  readonly entry: PutEventsRequestEntry;
  readonly busName: string;
  readonly busArn: string;
}

const ACTION = 'events:PutEvents';

/** The entries refused, with their result; throws AccessDeniedException when the caller may not put events at all. */
export function authorizePutEvents<C extends PutEventsCandidate>(
  identities: PutEventsIdentities,
  caller: PutEventsCaller,
  candidates: readonly C[],
  busPolicy: (busName: string) => readonly PolicyDocument[],
): Map<C, PutEventsResultEntry> {
  const principal =
    'roleArn' in caller
      ? identities.principalForRole(caller.roleArn)
      : identities.principalForAccessKey(caller.accessKeyId);
  const decisions = candidates.map((candidate) => ({
    candidate,
    decision: authorize(
      {
        principal,
        action: ACTION,
        resource: candidate.busArn,
        context: {
          'events:source': candidate.entry.Source,
          'events:detail-type': candidate.entry.DetailType,
        },
      },
      busPolicy(candidate.busName),
    ),
  }));
  const unallowed = decisions.find(
    ({ candidate, decision }) =>
      decision.effect === 'ImplicitDeny' && !identityMayAllow(principal, ACTION, candidate.busArn),
  );
  if (unallowed && decisions.every(({ decision }) => decision.effect !== 'Allow')) {
    throw new AwsError(
      'AccessDeniedException',
      `User: ${principal.arn} is not authorized to perform: ${ACTION} on resource: ${unallowed.candidate.busArn} because no identity-based policy allows the ${ACTION} action`,
    );
  }
  const denied = new Map<C, PutEventsResultEntry>();
  for (const { candidate, decision } of decisions) {
    if (decision.effect === 'ExplicitDeny') {
      const kind = decision.by === 'resource' ? 'resource-based' : 'identity-based';
      denied.set(candidate, {
        ErrorCode: 'AccessDeniedException',
        ErrorMessage: `User: ${principal.arn} is not authorized to perform: ${ACTION} on resource: ${candidate.busArn} with an explicit deny in a ${kind} policy`,
      });
    } else if (decision.effect === 'ImplicitDeny') {
      denied.set(candidate, {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Not authorized for the source.',
      });
    }
  }
  return denied;
}
