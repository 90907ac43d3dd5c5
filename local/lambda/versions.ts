/**
 * Lambda versions and aliases, locally: PublishVersion, UpdateAlias with a routing configuration
 * (`AdditionalVersionWeights`), and the choice of version an invocation of a weighted alias makes. Lambda's
 * rules are kept (one additional version, a weight from 0 to 1, both versions published, never `$LATEST`
 * with weights, a stale `RevisionId` refused), so what works here works against AWS.
 *
 * A published version freezes `$LATEST`'s code as it is then: watch mode (local/watch/) replaces `$LATEST`'s
 * bundle with `updateFunctionCode` and publishes, so old and new versions run their own code side by side
 * (each code in its own pool of execution environments; versions of the same code share one).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { AwsError } from '../core/aws-service.js';
import { codeOf, type FunctionCode, type LocalFunction } from './functions.js';

const VERSION = /^[1-9]\d{0,9}$/;
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

/** `AdditionalVersionWeights` as Lambda accepts it: at most one version, a weight from 0 to 1. */
const weightsSchema = z
  .record(z.string().regex(VERSION, 'a published version number'), z.number().min(0).max(1))
  .refine((weights) => Object.keys(weights).length <= 1, 'at most one additional version');

export const publishVersionSchema = z
  .object({
    CodeSha256: z.string().max(128).optional(),
    Description: z.string().max(256).optional(),
    RevisionId: z.string().max(64).optional(),
  })
  .strip();

export const updateAliasSchema = z
  .object({
    FunctionVersion: z
      .string()
      .regex(/^(\$LATEST|[1-9]\d{0,9})$/)
      .optional(),
    Description: z.string().max(256).optional(),
    RoutingConfig: z
      .object({ AdditionalVersionWeights: weightsSchema.optional() })
      .strip()
      .nullable()
      .optional(),
    RevisionId: z.string().max(64).optional(),
  })
  .strip();

/** What Lambda answers for an alias (GetAlias, UpdateAlias, ListAliases' items). */
export interface AliasConfiguration {
  readonly AliasArn: string;
  readonly Name: string;
  readonly FunctionVersion: string;
  readonly Description: string;
  readonly RoutingConfig?: { readonly AdditionalVersionWeights: Readonly<Record<string, number>> };
  readonly RevisionId: string;
}

/** Parses a JSON body against a schema; Lambda's error for a malformed one. */
export function parseBody<T>(schema: z.ZodType<T>, body: Buffer): T {
  let raw: unknown;
  try {
    raw = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AwsError(
      'InvalidParameterValueException',
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      400,
    );
  }
  return result.data;
}

/**
 * Publishes the function's current code and configuration as the next version number. Where Lambda would
 * return the latest version unchanged (nothing changed since), this publishes a new one all the same: the
 * way to get a second version to shift traffic to without changing code.
 */
export function publishVersion(fn: LocalFunction, request: z.infer<typeof publishVersionSchema>): string {
  if (request.CodeSha256 !== undefined && request.CodeSha256 !== codeSha256(fn)) {
    throw new AwsError(
      'InvalidParameterValueException',
      `CodeSHA256 (${request.CodeSha256}) is different from current CodeSHA256 in $LATEST (${codeSha256(fn)}). Please try again with the CodeSHA256 in $LATEST.`,
      400,
    );
  }
  const latest = Math.max(0, ...[...fn.versions].map(Number).filter(Number.isInteger));
  const version = String(latest + 1);
  fn.versions.add(version);
  fn.versionCode.set(version, codeOf(fn));
  fn.versionDescriptions.set(version, request.Description ?? '');
  return version;
}

/**
 * UpdateFunctionCode, as watch mode uses it: `$LATEST` runs `code` from its next invocation; published
 * versions keep what they froze.
 */
export function updateFunctionCode(fn: LocalFunction, code: FunctionCode): void {
  fn.assetDir = code.assetDir;
  fn.layerDirs = code.layerDirs ?? [];
}

/** The alias's configuration, or ResourceNotFoundException. */
export function aliasConfiguration(fn: LocalFunction, name: string): AliasConfiguration {
  const version = fn.aliases.get(name);
  if (version === undefined) {
    throw new AwsError('ResourceNotFoundException', `Alias not found: ${fn.arn}:${name}`, 404);
  }
  const weights = fn.aliasRouting.get(name);
  const description = fn.aliasDescriptions.get(name) ?? '';
  return {
    AliasArn: `${fn.arn}:${name}`,
    Name: name,
    FunctionVersion: version,
    Description: description,
    ...(weights ? { RoutingConfig: { AdditionalVersionWeights: { ...weights } } } : {}),
    RevisionId: revisionId(name, version, description, weights),
  };
}

/** UpdateAlias: validated as a whole before anything changes. */
export function updateAlias(
  fn: LocalFunction,
  name: string,
  request: z.infer<typeof updateAliasSchema>,
): AliasConfiguration {
  if (!ALIAS_NAME.test(name))
    throw new AwsError('InvalidParameterValueException', `invalid alias name ${name}`);
  const current = aliasConfiguration(fn, name);
  if (request.RevisionId !== undefined && request.RevisionId !== current.RevisionId) {
    throw new AwsError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id',
      412,
    );
  }
  const version = request.FunctionVersion ?? current.FunctionVersion;
  if (version !== '$LATEST' && !fn.versions.has(version)) {
    throw new AwsError('ResourceNotFoundException', `Function not found: ${fn.arn}:${version}`, 404);
  }
  // Absent: unchanged. `RoutingConfig: {}` or without weights: routing removed.
  const weights =
    request.RoutingConfig === undefined
      ? fn.aliasRouting.get(name)
      : request.RoutingConfig?.AdditionalVersionWeights;
  const routed = weights && Object.keys(weights).length > 0 ? weights : undefined;
  if (routed) {
    if (version === '$LATEST') {
      throw new AwsError(
        'InvalidParameterValueException',
        '$LATEST is not supported for an alias pointing to more than 1 version',
      );
    }
    for (const extra of Object.keys(routed)) {
      if (extra === version) {
        throw new AwsError(
          'InvalidParameterValueException',
          `Primary and additional version cannot be the same: ${extra}`,
        );
      }
      if (!fn.versions.has(extra)) {
        throw new AwsError('ResourceNotFoundException', `Function not found: ${fn.arn}:${extra}`, 404);
      }
    }
  }
  fn.aliases.set(name, version);
  if (routed) fn.aliasRouting.set(name, { ...routed });
  else fn.aliasRouting.delete(name);
  if (request.Description !== undefined) fn.aliasDescriptions.set(name, request.Description);
  return aliasConfiguration(fn, name);
}

/**
 * The version one invocation of an alias runs: an additional version with its weight's probability, else the
 * primary. Chosen per invocation, as Lambda does.
 */
export function routeAlias(fn: LocalFunction, name: string, random: () => number = Math.random): string {
  const primary = fn.aliases.get(name);
  if (primary === undefined)
    throw new AwsError('ResourceNotFoundException', `Alias not found: ${fn.arn}:${name}`, 404);
  const weights = fn.aliasRouting.get(name);
  if (!weights) return primary;
  let draw = random();
  for (const [version, weight] of Object.entries(weights)) {
    if (draw < weight) return version;
    draw -= weight;
  }
  return primary;
}

/**
 * A stable stand-in for the code's hash: the asset folder's name (CDK names it after the bundle's hash) and
 * the layers' (the same assets, the same code).
 */
export function codeSha256(fn: LocalFunction, version = '$LATEST'): string {
  const code = codeOf(fn, version);
  return createHash('sha256')
    .update(JSON.stringify([code.assetDir, code.layerDirs ?? []].flat().map((dir) => path.basename(dir))))
    .digest('base64');
}

function revisionId(
  name: string,
  version: string,
  description: string,
  weights: Readonly<Record<string, number>> | undefined,
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([name, version, description, weights ?? null]))
    .digest('hex');
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
}
