import { type Stack, Token } from 'aws-cdk-lib';

/**
 * An ARN's first five parts as cdk-nag prints them in a finding's id: a resolved part as itself, a token as
 * `<AWS::Partition>`, `<AWS::Region>`, `<AWS::AccountId>`. An acknowledgement must name the finding exactly, and
 * what is resolved depends on how the app is synthesized: `cdk synth` sets CDK_DEFAULT_REGION (so the region
 * and the partition are literal), a test's app may not.
 */
export function nagArnPrefix(stack: Stack, service: string): string {
  const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:${part(stack.partition, 'Partition')}:${service}:${part(stack.region, 'Region')}:${part(stack.account, 'AccountId')}`;
}
