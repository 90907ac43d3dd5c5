import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DomainEventBus, SubscriptionTargets } from '../../lib/constructs/domain-event-bus.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

function nagApp() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

describe('cdk-nag on the constructs', () => {
  it('passes a service function subscribed to the bus: every acknowledgement is in the constructs', () => {
    const app = nagApp();
    const platform = new Stack(app, 'Platform');
    const bus = new DomainEventBus(platform, 'Events', { registryName: 'r', schemas: [] });
    const service = new Stack(app, 'Service');
    const fn = new ServiceFunction(service, 'Handler', { service: 'orders', entry });
    bus.subscribe(service, 'OnOrderPlaced', {
      eventPattern: { source: ['commerceforge.orders'] },
      target: SubscriptionTargets.lambda(fn.alias),
    });
    expect(() => Template.fromStack(service)).not.toThrow();
    expect(() => Template.fromStack(platform)).not.toThrow();
  });

  it('fails synth on an unacknowledged finding, so the check above can fail', () => {
    const app = nagApp();
    const stack = new Stack(app, 'Careless');
    new sqs.Queue(stack, 'PlainQueue');
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SQS4/);
  });
});
