/**
 * Which resource types the local cloud runs, which it does not need (permissions, logs, alarms: AWS-side
 * concerns that change nothing in how the app behaves locally), and which it cannot run yet. The last are
 * reported at start, by name, rather than skipped in silence.
 */
import type { LocalResource } from './model.js';

export const CORE_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Lambda::Function',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SQS::Queue',
  'AWS::XRay::SamplingRule',
] as const;

const NOT_NEEDED = [
  /^AWS::IAM::/,
  /^AWS::Logs::/,
  /^AWS::CloudWatch::/,
  /^AWS::KMS::/,
  /^AWS::ApplicationAutoScaling::/,
  /^AWS::CodeDeploy::/,
  /^AWS::CDK::Metadata$/,
  /^AWS::Lambda::Permission$/,
  /^AWS::Lambda::LayerVersion$/,
  /^AWS::SQS::QueuePolicy$/,
  /^AWS::SNS::TopicPolicy$/,
  /^AWS::S3::BucketPolicy$/,
  // Parameter values are read by the intrinsic resolver (service discovery through SSM).
  /^AWS::SSM::Parameter$/,
];

export interface ResourceReport {
  readonly notNeeded: Map<string, number>;
  readonly unsupported: Map<string, number>;
}

export function classify(resources: readonly LocalResource[], handled: ReadonlySet<string>): ResourceReport {
  const notNeeded = new Map<string, number>();
  const unsupported = new Map<string, number>();
  for (const { type } of resources) {
    if (handled.has(type)) continue;
    const bucket = NOT_NEEDED.some((pattern) => pattern.test(type)) ? notNeeded : unsupported;
    bucket.set(type, (bucket.get(type) ?? 0) + 1);
  }
  return { notNeeded, unsupported };
}

export function formatCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => (count > 1 ? `${type} ×${count}` : type))
    .join(', ');
}
