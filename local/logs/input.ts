/**
 * The request shapes of the CloudWatch Logs operations the local Logs serves, checked with zod: a malformed
 * request is an `InvalidParameterException` naming the field, as Logs answers, and nothing is stored.
 * Timestamps are epoch ms, except StartQuery's `startTime`/`endTime`, which are epoch seconds (as in AWS).
 */
import * as z from 'zod';
import { AwsError } from '../core/aws-service.js';

const groupName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[\w\-./#]+$/, 'a log group name has letters, digits and _-./# only');
const streamName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^:*]*$/, 'a log stream name has no ":" or "*"');
/** A name or an ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`). */
const groupIdentifier = z.string().min(1).max(2048);
const epochMs = z.number().int().min(0);
const token = z.string().min(1).max(4096);

/** One group, by `logGroupName` or `logGroupIdentifier` (exactly one). */
const oneGroup = {
  logGroupName: groupName.optional(),
  logGroupIdentifier: groupIdentifier.optional(),
};

export const CreateLogGroupInput = z.object({ logGroupName: groupName });
export const CreateLogStreamInput = z.object({ logGroupName: groupName, logStreamName: streamName });
export const PutLogEventsInput = z.object({
  logGroupName: groupName,
  logStreamName: streamName,
  logEvents: z
    .array(z.object({ timestamp: epochMs, message: z.string().min(1) }))
    .min(1)
    .max(10_000),
  sequenceToken: z.string().optional(),
});
export const DescribeLogGroupsInput = z.object({
  logGroupNamePrefix: z.string().max(512).optional(),
  logGroupNamePattern: z.string().max(512).optional(),
  limit: z.number().int().min(1).max(50).optional(),
  nextToken: token.optional(),
});
export const DescribeLogStreamsInput = z.object({
  ...oneGroup,
  logStreamNamePrefix: z.string().max(512).optional(),
  orderBy: z.enum(['LogStreamName', 'LastEventTime']).optional(),
  descending: z.boolean().optional(),
  limit: z.number().int().min(1).max(50).optional(),
  nextToken: token.optional(),
});
export const GetLogEventsInput = z.object({
  ...oneGroup,
  logStreamName: streamName,
  startTime: epochMs.optional(),
  endTime: epochMs.optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
export const FilterLogEventsInput = z.object({
  ...oneGroup,
  logStreamNames: z.array(streamName).min(1).max(100).optional(),
  logStreamNamePrefix: z.string().max(512).optional(),
  startTime: epochMs.optional(),
  endTime: epochMs.optional(),
  filterPattern: z.string().max(1024).optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
export const StartQueryInput = z.object({
  logGroupName: groupName.optional(),
  logGroupNames: z.array(groupName).min(1).max(50).optional(),
  logGroupIdentifiers: z.array(groupIdentifier).min(1).max(50).optional(),
  startTime: z.number().int().min(0),
  endTime: z.number().int().min(0),
  queryString: z.string().min(1).max(10_000),
  limit: z.number().int().min(1).max(10_000).optional(),
  queryLanguage: z.literal('CWLI').optional(),
});
export const QueryIdInput = z.object({ queryId: z.string().min(1).max(256) });
export const DescribeQueriesInput = z.object({
  logGroupName: groupName.optional(),
  status: z
    .enum(['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown'])
    .optional(),
  maxResults: z.number().int().min(1).max(1000).optional(),
  nextToken: token.optional(),
});
export const DescribeQueryDefinitionsInput = z.object({
  queryDefinitionNamePrefix: z.string().min(1).max(255).optional(),
  maxResults: z.number().int().min(1).max(1000).optional(),
  nextToken: token.optional(),
});

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
export const groupNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'request';
  throw invalidParameter(
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${issue?.message}`,
  );
}

/** The group's name from a name or an ARN. */
export function groupNameOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if ((input.logGroupName === undefined) === (input.logGroupIdentifier === undefined))
    throw invalidParameter('Exactly one of logGroupName or logGroupIdentifier must be given.');
  if (input.logGroupName !== undefined) return input.logGroupName;
  return nameOfIdentifier(input.logGroupIdentifier!);
}

export function nameOfIdentifier(identifier: string): string {
  if (!identifier.startsWith('arn:')) return identifier;
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(identifier);
  if (!match) throw invalidParameter(`${identifier} is not a log group ARN.`);
  return match[1]!;
}

/** Offsets as opaque tokens, checked when they come back. */
export function encodeToken(kind: string, value: number): string {
  return Buffer.from(`${kind}:${value}`).toString('base64url');
}

export function decodeToken(kind: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const value = Number(text.slice(kind.length + 1));
  if (!text.startsWith(`${kind}:`) || !Number.isInteger(value) || value < 0)
    throw invalidParameter('The next token is invalid.');
  return value;
}
