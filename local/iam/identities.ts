/**
 * Who is calling the endpoint: each IAM role of the templates gets its own access key id, and a call signed
 * with it acts as the role (its identity policies: inline `Policies`, `AWS::IAM::Policy` and customer
 * `AWS::IAM::ManagedPolicy` resources attached to it). Any other key is the account's root: an outside caller
 * with the local cloud's fake credentials, whom only a Deny stops. Signatures are not checked locally.
 */
import { createHash } from 'node:crypto';
import type { CloudModel, LocalResource } from '../assembly/model.js';
import { type LocalPrincipal, many, type PolicyDocument } from './policy.js';

/** AWS's temporary-credential key shape (`ASIA` + 16), alphanumeric: DynamoDB Local refuses `_` and `-`. */
export function accessKeyIdFor(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let key = 'ASIA';
  for (let i = 0; key.length < 20; i++) key += alphabet[digest[i]! % alphabet.length];
  return key;
}

/** A SigV4 Authorization header with its key replaced: an in-process call on the endpoint, as that key's caller. */
export function signedWithKey(authorization: string, accessKeyId: string): string {
  return authorization.replace(/Credential=[^/]+\//, `Credential=${accessKeyId}/`);
}

/** The secret that goes with every local key (signatures are not checked). */
export const LOCAL_SECRET_ACCESS_KEY = 'localsecretkey';

export interface RoleDefinition {
  readonly arn: string;
  readonly policies: readonly PolicyDocument[];
}

export class LocalIdentities {
  private readonly roles = new Map<string, RoleDefinition>();
  private readonly keys = new Map<string, string>();

  constructor(
    readonly accountId: string,
    roles: readonly RoleDefinition[] = [],
  ) {
    for (const role of roles) {
      this.roles.set(role.arn, role);
      this.keys.set(accessKeyIdFor(role.arn), role.arn);
    }
  }

  /** The roles of the templates, with the policies attached to them. */
  static fromModel(model: CloudModel): LocalIdentities {
    const byName = new Map<string, { arn: string; policies: PolicyDocument[] }>();
    // A policy naming something the local cloud does not run (an AppSync association's ARN) is left out: it
    // cannot be evaluated, and leaving out an identity policy only ever takes permissions away.
    const properties = (resource: LocalResource): Record<string, unknown> | undefined => {
      try {
        return model.properties(resource);
      } catch {
        return undefined;
      }
    };
    for (const resource of model.resources('AWS::IAM::Role')) {
      const identity = model.identity(resource);
      const inline = many(properties(resource)?.Policies as OneOrManyPolicy)
        .map((policy) => policy.PolicyDocument)
        .filter((document): document is PolicyDocument => isDocument(document));
      byName.set(identity.name, { arn: identity.arn, policies: [...inline] });
    }
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const resource of model.resources(type)) {
        const props = properties(resource);
        if (!props || !isDocument(props.PolicyDocument)) continue;
        for (const role of many(props.Roles as string | string[] | undefined)) {
          byName.get(roleNameOf(String(role)))?.policies.push(props.PolicyDocument);
        }
      }
    }
    return new LocalIdentities(model.accountId, [...byName.values()]);
  }

  /** The key a role's callers sign with (a function's environment gets its execution role's). */
  accessKeyIdOf(roleArn: string): string {
    return accessKeyIdFor(roleArn);
  }

  /** The role a key belongs to, or the account's root for any other key (or none). */
  principalForAccessKey(accessKeyId: string | undefined): LocalPrincipal {
    const roleArn = accessKeyId === undefined ? undefined : this.keys.get(accessKeyId);
    return roleArn === undefined ? this.root() : this.principalForRole(roleArn);
  }

  /** A role acting (e.g. a state machine's, for its service integrations); unknown roles have no policies. */
  principalForRole(roleArn: string): LocalPrincipal {
    return {
      arn: roleArn,
      accountId: roleArn.split(':')[4] ?? this.accountId,
      root: false,
      policies: this.roles.get(roleArn)?.policies ?? [],
    };
  }

  root(): LocalPrincipal {
    return {
      arn: `arn:aws:iam::${this.accountId}:root`,
      accountId: this.accountId,
      root: true,
      policies: [],
    };
  }
}

type OneOrManyPolicy = { PolicyDocument?: unknown } | readonly { PolicyDocument?: unknown }[] | undefined;

const isDocument = (value: unknown): value is PolicyDocument =>
  typeof value === 'object' && value !== null && 'Statement' in value;

/** `Roles` holds names (Ref of a role); an ARN is taken by its last segment. */
const roleNameOf = (nameOrArn: string) => nameOrArn.split('/').pop() ?? nameOrArn;
