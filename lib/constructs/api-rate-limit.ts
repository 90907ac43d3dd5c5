import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiRateLimitProps {
  /** The web ACL's name (also its CloudWatch metric names). */
  readonly name: string;
  /** The GraphQL APIs to protect (the Merged API and its source APIs: each has its own endpoint). */
  readonly apis: readonly appsync.IGraphqlApi[];
  /** Requests one client IP may send in the evaluation window before it is blocked (AWS WAF: at least 10). */
  readonly limit: number;
  /** @default 300 (5 minutes; AWS WAF takes 60, 120, 300 or 600) */
  readonly evaluationWindowSec?: 60 | 120 | 300 | 600;
}

/**
 * A regional AWS WAF web ACL in front of AppSync APIs: it allows by default and blocks a client IP that sends
 * more than `limit` requests in the window (a rate-based rule), with metrics and sampled requests on. AppSync's
 * own query depth and resolver count limits bound one request; this bounds how many a client sends.
 */
export class ApiRateLimit extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly associations: readonly wafv2.CfnWebACLAssociation[];

  constructor(scope: Construct, id: string, props: ApiRateLimitProps) {
    super(scope, id);
    const metric = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: `At most ${props.limit} requests per client IP in ${props.evaluationWindowSec ?? 300} s`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric(props.name),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.limit,
              evaluationWindowSec: props.evaluationWindowSec ?? 300,
            },
          },
          visibilityConfig: metric(`${props.name}-rate-per-ip`),
        },
      ],
    });
    this.associations = props.apis.map(
      (api) =>
        new wafv2.CfnWebACLAssociation(this, `${api.node.id}Association`, {
          resourceArn: api.arn,
          webAclArn: this.webAcl.attrArn,
        }),
    );
  }
}
