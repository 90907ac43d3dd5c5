import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { KernelConfigurationError } from '../../functions/kernel/errors.js';
import { DEFAULT_WAREHOUSE_ID, shippingConfigFrom } from '../../functions/shipping/handlers/config.js';
import { loadConfig } from '../../lib/config.js';

describe('shipping configuration (handler side)', () => {
  it('defaults to US, CA, GB, DE, FR, NL, the domain carrier and the local warehouse', () => {
    expect(shippingConfigFrom({})).toEqual({
      supportedCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL'],
      defaultCarrier: 'SimPost',
      warehouseId: DEFAULT_WAREHOUSE_ID,
    });
  });

  it('reads a comma-separated list of countries, normalised to upper case', () => {
    expect(
      shippingConfigFrom({ SHIPPING_SUPPORTED_COUNTRIES: 'us, jp ,FR', SHIPPING_DEFAULT_CARRIER: 'Colis' }),
    ).toMatchObject({ supportedCountries: ['US', 'JP', 'FR'], defaultCarrier: 'Colis' });
  });

  it('refuses a malformed list instead of shipping nowhere', () => {
    expect(() => shippingConfigFrom({ SHIPPING_SUPPORTED_COUNTRIES: 'US,France' })).toThrow(
      KernelConfigurationError,
    );
  });
});

function shippingTemplate(context: Record<string, unknown> = {}): Template {
  const app = buildApp(
    loadConfig({ STAGE: 'dev' }),
    new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }),
  );
  const stack = app.node.children.find(
    (c): c is Stack => c instanceof Stack && c.stackName === 'CommerceForge-dev-Shipping',
  );
  if (!stack) throw new Error('no shipping stack');
  return Template.fromStack(stack);
}

describe('ShippingStack', () => {
  it('gives the Commands and OnMissionCompleted functions the default countries', () => {
    const template = shippingTemplate();
    const withCountries = template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: { Variables: Match.objectLike({ SHIPPING_SUPPORTED_COUNTRIES: 'US,CA,GB,DE,FR,NL' }) },
      },
    });
    expect(Object.keys(withCountries)).toHaveLength(2);
  });

  it('takes the countries from the shipping:supportedCountries context', () => {
    shippingTemplate({ 'shipping:supportedCountries': 'us,ca,jp' }).hasResourceProperties(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ SHIPPING_SUPPORTED_COUNTRIES: 'US,CA,JP' }) } },
    );
  });

  it('dispatches on MissionCompleted from the shipping service', () => {
    shippingTemplate().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['commerceforge.shipping'], 'detail-type': ['MissionCompleted'] },
    });
  });
});
