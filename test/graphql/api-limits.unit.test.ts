import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';

/**
 * Issue 18, item 5: every GraphQL API (the Merged API and each source API, which has its own endpoint) refuses
 * deep queries and requests that would run too many resolvers (300 aliases were 300 Lambda calls), prod
 * hides its schema (no introspection), and prod's APIs sit behind a WAF web ACL with a rate-based rule.
 */
function apiTemplate(stage: 'dev' | 'prod'): Template {
  const app = buildApp(loadConfig({ STAGE: stage }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const stack = app.node.children.find(
    (c): c is Stack => c instanceof Stack && c.stackName === `CommerceForge-${stage}-Api`,
  );
  if (!stack) throw new Error('no Api stack');
  return Template.fromStack(stack);
}

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = apiTemplate('dev');
  prod = apiTemplate('prod');
}, 180_000);

const apis = (template: Template) => Object.values(template.findResources('AWS::AppSync::GraphQLApi'));

describe('GraphQL limits per stage', () => {
  it.each([
    ['dev', () => dev, 'ENABLED'],
    ['prod', () => prod, 'DISABLED'],
  ] as const)(
    '%s: every API limits query depth and resolver count; introspection %s',
    (stage, template, introspection) => {
      const all = apis(template());
      expect(all.length).toBeGreaterThanOrEqual(7); // 6 source APIs + the Merged API
      for (const api of all) {
        expect(api.Properties, String(api.Properties.Name)).toMatchObject({
          QueryDepthLimit: expect.any(Number),
          ResolverCountLimit: expect.any(Number),
          IntrospectionConfig: introspection,
        });
        expect(api.Properties.QueryDepthLimit).toBeGreaterThanOrEqual(3); // order { items { sku } }
        expect(api.Properties.QueryDepthLimit).toBeLessThanOrEqual(10);
        expect(api.Properties.ResolverCountLimit).toBeGreaterThanOrEqual(11); // the seeded catalogue with ratings
        expect(api.Properties.ResolverCountLimit).toBeLessThan(300); // the finding: 300 aliases ran
      }
      template().hasResourceProperties('AWS::AppSync::GraphQLApi', {
        Name: `commerceforge-${stage}-commerce`,
        ApiType: 'MERGED',
        QueryDepthLimit: Match.anyValue(),
        ResolverCountLimit: Match.anyValue(),
      });
    },
  );
});

describe('WAF', () => {
  it('prod: a regional web ACL blocks a client IP over its rate, on the Merged API and every source API', () => {
    prod.resourceCountIs('AWS::WAFv2::WebACL', 1);
    prod.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: Match.anyValue() }),
          },
          VisibilityConfig: Match.objectLike({ CloudWatchMetricsEnabled: true }),
        }),
      ]),
    });
    const [aclId] = Object.keys(prod.findResources('AWS::WAFv2::WebACL'));
    const associations = Object.values(prod.findResources('AWS::WAFv2::WebACLAssociation'));
    const apiIds = Object.keys(prod.findResources('AWS::AppSync::GraphQLApi'));
    expect(associations).toHaveLength(apiIds.length);
    for (const association of associations) {
      expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    }
    const protectedApis = associations.map(
      (a) => (a.Properties.ResourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
    );
    expect(protectedApis.sort()).toEqual([...apiIds].sort());
  });

  it('dev: no web ACL (the local cloud has no WAF either)', () => {
    dev.resourceCountIs('AWS::WAFv2::WebACL', 0);
    dev.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});
