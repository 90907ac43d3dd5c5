/**
 * IAM policy documents and their evaluation, for the calls the local cloud guards (a trust boundary such as who
 * may put which source on a bus). It follows IAM's evaluation logic for one account: an explicit Deny in any
 * policy wins; otherwise an Allow in the caller's identity policies or in the resource's policy allows (the
 * account's root is allowed by its identity); otherwise the request is implicitly denied. A caller from another
 * account needs an Allow on both sides.
 */

import { LocalCloudError } from '../core/errors.js';
import {
  type ConditionBlock,
  conditionsMatch,
  type RequestContext,
  validateConditions,
} from './conditions.js';

export type OneOrMany<T> = T | readonly T[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, OneOrMany<string>>>;
  readonly NotPrincipal?: '*' | Readonly<Record<string, OneOrMany<string>>>;
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

/** Who calls: an IAM role (its ARN, not the session's), or the account's root. */
export interface LocalPrincipal {
  readonly arn: string;
  readonly accountId: string;
  /** The root user: its identity allows everything; only a Deny stops it. */
  readonly root: boolean;
  /** The identity policies attached to the principal (inline and managed). */
  readonly policies: readonly PolicyDocument[];
}

export interface AuthorizationRequest {
  readonly principal: LocalPrincipal;
  readonly action: string;
  readonly resource: string;
  /** Service-specific condition keys (e.g. `events:source`); the global `aws:Principal*` keys are added. */
  readonly context?: RequestContext;
}

export type Decision =
  | { readonly effect: 'Allow' }
  | { readonly effect: 'ExplicitDeny'; readonly by: 'identity' | 'resource'; readonly sid?: string }
  | { readonly effect: 'ImplicitDeny'; readonly reason: 'no-identity-allow' | 'no-resource-allow' };

/** Checks a document's shape and condition operators; throws a `LocalCloudError` (`IAM_POLICY_INVALID`) for what this module cannot evaluate. */
export function parsePolicy(document: unknown, where: string): PolicyDocument {
  const text = typeof document === 'string' ? safeJson(document, where) : document;
  if (!isObject(text) || text.Statement === undefined) {
    throw new LocalCloudError('IAM_POLICY_INVALID', `${where}: a policy document needs a Statement`);
  }
  for (const statement of many(text.Statement as OneOrMany<PolicyStatement>))
    validateStatement(statement, where);
  return text as unknown as PolicyDocument;
}

/** A statement on its own (AWS::Events::EventBusPolicy's `Statement`) as a one-statement document. */
export function statementPolicy(statement: unknown, where: string): PolicyDocument {
  return parsePolicy({ Version: '2012-10-17', Statement: [statement] }, where);
}

export function authorize(
  request: AuthorizationRequest,
  resourcePolicies: readonly PolicyDocument[] = [],
): Decision {
  const { principal } = request;
  const context: RequestContext = {
    ...request.context,
    'aws:PrincipalArn': principal.arn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.root ? 'Account' : 'AssumedRole',
  };
  const identity = principal.policies.flatMap((policy) => many(policy.Statement));
  const resource = resourcePolicies
    .flatMap((policy) => many(policy.Statement))
    .filter((statement) => principalMatches(statement, principal));
  const applies = (statement: PolicyStatement) =>
    actionMatches(statement, request.action) &&
    resourceMatches(statement, request.resource) &&
    conditionsMatch(statement.Condition, context);

  const identityDeny = identity.find((s) => s.Effect === 'Deny' && applies(s));
  if (identityDeny) return { effect: 'ExplicitDeny', by: 'identity', ...sid(identityDeny) };
  const resourceDeny = resource.find((s) => s.Effect === 'Deny' && applies(s));
  if (resourceDeny) return { effect: 'ExplicitDeny', by: 'resource', ...sid(resourceDeny) };

  const identityAllows = principal.root || identity.some((s) => s.Effect === 'Allow' && applies(s));
  const resourceAllows = resource.some((s) => s.Effect === 'Allow' && applies(s));
  const sameAccount = accountOf(request.resource) === principal.accountId;
  if (sameAccount ? identityAllows || resourceAllows : identityAllows && resourceAllows) {
    return { effect: 'Allow' };
  }
  return { effect: 'ImplicitDeny', reason: identityAllows ? 'no-resource-allow' : 'no-identity-allow' };
}

/**
 * Whether any identity statement could allow the action on the resource, its conditions aside: a caller with
 * none is not authorized for the operation at all (AWS refuses the whole request), as opposed to one whose
 * grant is scoped by a condition the request does not meet.
 */
export function identityMayAllow(principal: LocalPrincipal, action: string, resource: string): boolean {
  if (principal.root) return true;
  return principal.policies
    .flatMap((policy) => many(policy.Statement))
    .some((s) => s.Effect === 'Allow' && actionMatches(s, action) && resourceMatches(s, resource));
}

function validateStatement(statement: PolicyStatement, where: string): void {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new LocalCloudError('IAM_POLICY_INVALID', `${where}: Effect must be Allow or Deny`);
  }
  if (statement.Action === undefined && statement.NotAction === undefined) {
    throw new LocalCloudError('IAM_POLICY_INVALID', `${where}: a statement needs Action or NotAction`);
  }
  validateConditions(statement.Condition, where);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  const matches = (patterns: OneOrMany<string>) =>
    many(patterns).some((pattern) => wildcardMatch(pattern.toLowerCase(), action.toLowerCase()));
  if (statement.Action !== undefined) return matches(statement.Action);
  return statement.NotAction !== undefined && !matches(statement.NotAction);
}

function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  const matches = (patterns: OneOrMany<string>) =>
    many(patterns).some((pattern) => wildcardMatch(pattern, resource));
  if (statement.Resource !== undefined) return matches(statement.Resource);
  if (statement.NotResource !== undefined) return !matches(statement.NotResource);
  // A resource-based policy may leave Resource out: it is the resource it is attached to.
  return true;
}

/** Principal of a resource-based statement: `*`, an account id, the account's root ARN, or a role ARN. */
function principalMatches(statement: PolicyStatement, principal: LocalPrincipal): boolean {
  const listed = (value: PolicyStatement['Principal']) => {
    if (value === '*') return true;
    const aws = value?.AWS;
    return aws !== undefined && many(aws).some((entry) => principalEntryMatches(entry, principal));
  };
  if (statement.Principal !== undefined) return listed(statement.Principal);
  if (statement.NotPrincipal !== undefined) return !listed(statement.NotPrincipal);
  return false;
}

function principalEntryMatches(entry: string, principal: LocalPrincipal): boolean {
  if (entry === '*') return true;
  // An account (its id or root ARN) stands for every principal of the account.
  if (entry === principal.accountId || entry === `arn:aws:iam::${principal.accountId}:root`) return true;
  return entry === principal.arn;
}

/** IAM's `*` (any run of characters) and `?` (one character). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

export function many<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

const accountOf = (arn: string) => arn.split(':')[4] ?? '';
const sid = (statement: PolicyStatement) => (statement.Sid === undefined ? {} : { sid: statement.Sid });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function safeJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LocalCloudError('IAM_POLICY_INVALID', `${where}: the policy is not JSON`, { cause: error });
  }
}
