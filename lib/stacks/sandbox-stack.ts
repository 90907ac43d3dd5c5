import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  SANDBOX_MODES,
  SANDBOX_PROVIDERS,
  type SandboxProvider,
  sandboxParameter,
} from '../../functions/sandbox/contract.js';
import {
  SANDBOX_PROVIDER_ENV,
  SANDBOX_SLOW_MS_ENV,
  SANDBOX_TABLE_ENV,
  SANDBOX_TABLE_KEY,
  SANDBOX_TABLE_TTL,
} from '../../functions/sandbox/environment.js';
import { type PlatformConfig, runtimeEnvironment } from '../config.js';
import { serviceTableProps } from '../constructs/event-store.js';
import { ServiceDiscovery } from '../constructs/service-discovery.js';
import { LIVE_ALIAS, ServiceFunction } from '../constructs/service-function.js';
import { functionDefaults } from './function-defaults.js';
import { dataRemovalPolicy } from './retention.js';

export interface SandboxStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/** The discovery service name of the sandbox: `/commerceforge/<stage>/sandbox/...`. */
export const SANDBOX_SERVICE = 'sandbox';

/** The sandbox function's fixed name: callers grant on it by name (no cross-stack reference). */
export const sandboxFunctionName = (stage: string, provider: SandboxProvider) =>
  `commerceforge-${stage}-sandbox-${provider}`;

/**
 * The bundled sandbox payment provider and carrier: one function each (its own Invocations metric, its own
 * blast radius for a chaos experiment, its own mode), the same code, behind a function URL with AWS_IAM auth
 * (only roles granted `invokeUrl` may call it: a sandbox open to the internet would be a free load generator
 * on the account). Each publishes its URL and its mode (`ok`, default) under `/commerceforge/<stage>/sandbox/`.
 */
export class SandboxStack extends Stack {
  public readonly discovery: ServiceDiscovery;
  public readonly functions: Record<SandboxProvider, ServiceFunction>;
  public readonly answers: dynamodb.Table;

  constructor(scope: Construct, id: string, props: SandboxStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = dataRemovalPolicy(config);
    this.discovery = new ServiceDiscovery(this, 'Discovery', {
      stage: config.stage,
      service: SANDBOX_SERVICE,
    });

    this.answers = new dynamodb.Table(
      this,
      'Answers',
      serviceTableProps({
        partitionKey: { name: SANDBOX_TABLE_KEY, type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: SANDBOX_TABLE_TTL,
        removalPolicy,
        pointInTimeRecovery: false,
      }),
    );
    Validations.of(this.answers).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason: "The sandbox's answers to idempotency keys live a day and are worth nothing after: no backups.",
    });

    // A slow answer comes after the longest adapter timeout, and before the sandbox's own.
    const slowMs =
      Math.max(config.providers.paymentProvider.timeoutMs, config.providers.carrier.timeoutMs) + 2_000;
    const functions = {} as Record<SandboxProvider, ServiceFunction>;
    for (const provider of SANDBOX_PROVIDERS) {
      const fn = new ServiceFunction(this, provider === 'carrier' ? 'Carrier' : 'PaymentProvider', {
        service: SANDBOX_SERVICE,
        functionName: sandboxFunctionName(config.stage, provider),
        entry: fileURLToPath(new URL('../../functions/sandbox/handler.ts', import.meta.url)),
        description: `sandbox ${provider}: answers the adapters as the mode parameter says (ok, outage, slow)`,
        timeout: Duration.millis(slowMs + 3_000),
        ...functionDefaults(config),
        // Outages are switched by the mode parameter; fault injection targets the callers.
        chaosTarget: false,
        environment: {
          ...runtimeEnvironment(config),
          [SANDBOX_PROVIDER_ENV]: provider,
          [SANDBOX_TABLE_ENV]: this.answers.tableName,
          [SANDBOX_SLOW_MS_ENV]: String(slowMs),
        },
      });
      this.answers.grantReadWriteData(fn.alias);
      this.discovery.publish(sandboxParameter(provider, 'mode'), 'ok', {
        description: `sandbox ${provider} behaviour: ok (default), outage (every call fails), slow (answers after the adapter's timeout)`,
        allowedPattern: `^(${SANDBOX_MODES.join('|')})$`,
      });
      ServiceDiscovery.grantRead(fn.alias, this, config.stage, SANDBOX_SERVICE, [
        sandboxParameter(provider, 'mode'),
      ]);
      const url = fn.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
      this.discovery.publish(sandboxParameter(provider, 'url'), url.url, {
        description: `sandbox ${provider}: the function URL the adapter calls (SigV4, service lambda)`,
      });
      functions[provider] = fn;
    }
    this.functions = functions;
  }

  /**
   * Lets `grantee` call a sandbox provider's URL and discover it: `lambda:InvokeFunctionUrl` (and
   * `lambda:InvokeFunction`, which AWS also checks for function URLs) on the provider's live alias by name,
   * and `ssm:GetParameter(s)` on its URL's parameter. No reference to this stack, so a service stack can
   * grant it whether or not the sandbox is deployed with it.
   */
  static grantCall(
    grantee: iam.IGrantable,
    scope: Construct,
    stage: string,
    provider: SandboxProvider,
  ): void {
    const stack = Stack.of(scope);
    const aliasArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: `${sandboxFunctionName(stage, provider)}:${LIVE_ALIAS}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
      resourceArns: [aliasArn],
    });
    ServiceDiscovery.grantRead(grantee, scope, stage, SANDBOX_SERVICE, [sandboxParameter(provider, 'url')]);
  }
}
