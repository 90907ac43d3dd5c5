/**
 * The request shapes of the SSM operations the local SSM serves, checked with zod: a malformed request is a
 * `ValidationException` naming the field, as SSM answers, and nothing is stored.
 */
import * as z from 'zod';
import { hierarchyTooDeep, validation } from './errors.js';

/** SSM's limits: a name of at most 2048 characters (1011 for the part after the path), 15 levels deep. */
const MAX_NAME = 2048;
const MAX_LEVELS = 15;
/** Standard tier: 4 KB values. */
export const MAX_VALUE = 4096;

const name = z.string().min(1).max(MAX_NAME);

export const GetParameterInput = z.object({ Name: name, WithDecryption: z.boolean().optional() });
export const GetParametersInput = z.object({
  Names: z.array(name).min(1).max(10),
  WithDecryption: z.boolean().optional(),
});
export const GetParametersByPathInput = z.object({
  Path: name,
  Recursive: z.boolean().optional(),
  WithDecryption: z.boolean().optional(),
  MaxResults: z.number().int().min(1).max(10).optional(),
  NextToken: z.string().min(1).max(4096).optional(),
  ParameterFilters: z.array(z.unknown()).max(0, 'ParameterFilters are not supported locally').optional(),
});
export const PutParameterInput = z.object({
  Name: name,
  Value: z.string().min(1).max(MAX_VALUE),
  Type: z.string().optional(),
  Description: z.string().max(1024).optional(),
  Overwrite: z.boolean().optional(),
  AllowedPattern: z.string().max(1024).optional(),
  Tier: z.enum(['Standard', 'Advanced', 'Intelligent-Tiering']).optional(),
  DataType: z.enum(['text', 'aws:ec2:image', 'aws:ssm:integration']).optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  KeyId: z.string().optional(),
  Policies: z.string().optional(),
});
export const DeleteParameterInput = z.object({ Name: name });
export const DeleteParametersInput = z.object({ Names: z.array(name).min(1).max(10) });

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'request';
  throw validation(
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${issue?.message}`,
  );
}

/**
 * SSM's naming rules: letters, digits and `_.-/`; a hierarchical name starts with `/`; no `aws`/`ssm` prefix
 * (reserved); at most 15 levels. What a name may be is checked only where one is created: a read of a name
 * that could not exist simply finds nothing, as in SSM.
 */
export function checkNewName(parameterName: string): void {
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(parameterName))
    throw validation(
      'Parameter name: can only contain letters, numbers, and the symbols ".", "-", "_" and "/" (hierarchies).',
    );
  if (parameterName.includes('/') && !parameterName.startsWith('/'))
    throw validation('Parameter name must be a fully qualified name: a hierarchy begins with "/".');
  if (parameterName.includes('//') || (parameterName.length > 1 && parameterName.endsWith('/')))
    throw validation('Parameter name: a hierarchy level cannot be empty.');
  if (/^\/?(aws|ssm)/i.test(parameterName))
    throw validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  if (parameterName.split('/').filter(Boolean).length > MAX_LEVELS) throw hierarchyTooDeep();
}

/** A path for GetParametersByPath: `/` or `/a/b` (a trailing `/` is allowed and ignored). */
export function normalizePath(path: string): string {
  if (!path.startsWith('/')) throw validation('The parameter path must begin with a forward slash "/".');
  if (path.split('/').filter(Boolean).length > MAX_LEVELS) throw hierarchyTooDeep();
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** `name`, `name:3` (a version) or an ARN of either: the name and the version asked for. */
export function selector(nameOrArn: string): { name: string; version?: number } {
  const arn = /^arn:aws[a-z-]*:ssm:[^:]*:\d*:parameter(\/.*)$/.exec(nameOrArn);
  // An ARN drops the hierarchy's leading slash only for names that have none: `parameter/x` is `x`.
  const plain = arn ? arn[1]! : nameOrArn;
  const bare = arn && !plain.slice(1).includes('/') ? plain.slice(1) : plain;
  const at = bare.lastIndexOf(':');
  if (at < 0) return { name: bare };
  const version = bare.slice(at + 1);
  if (!/^\d+$/.test(version))
    throw validation(`Parameter ${nameOrArn}: labels are not supported locally, only version numbers.`);
  return { name: bare.slice(0, at), version: Number(version) };
}
