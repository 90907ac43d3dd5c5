import { Duration, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { powertoolsLayer } from './powertools-layer.js';

/** The tag AWS FIS experiment templates select Lambda targets by. */
export const CHAOS_TARGET_TAG = 'commerceforge:chaos-target';
/** The metrics namespace every function publishes its EMF metrics under. */
export const METRICS_NAMESPACE = 'CommerceForge';
/** The alias every caller invokes, so traffic can later shift between versions (canary, linear, blue-green). */
export const LIVE_ALIAS = 'live';

/**
 * How every function is bundled: minified, with source maps, the AWS SDK v3 left to the runtime and Powertools
 * (with the X-Ray SDK under its Tracer) left to its layer (`powertools-layer.ts`), as Powertools documents for
 * its layer. `mainFields: ['module', 'main']`: a package that has no `exports` map and ships both builds is
 * bundled from its ES modules, which esbuild can tree-shake. Today that changes only `@smithy/*` packages (their
 * `dist-es` is the same code as `dist-cjs`); for `@smithy/signature-v4` it is the difference between all of
 * `@smithy/core` (~130 KB) and the few functions the signer uses.
 */
export const SERVICE_FUNCTION_BUNDLING: nodejs.BundlingOptions = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  externalModules: ['@aws-sdk/*', '@aws-lambda-powertools/*'],
  mainFields: ['module', 'main'],
};

export interface ServiceFunctionProps {
  /** The bounded context the function belongs to (`orders`, `payments`, ...): its Powertools service name. */
  readonly service: string;
  /** Path to the TypeScript handler module. */
  readonly entry: string;
  /**
   * Exported handler name.
   * @default 'handler'
   */
  readonly handler?: string;
  readonly description?: string;
  /** Extra environment variables, merged over the platform's. */
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency: a bulkhead, so one busy function cannot starve the others.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * X-Ray active tracing (and Powertools Tracer).
   * @default true
   */
  readonly tracing?: boolean;
  /** @default logs.RetentionDays.ONE_WEEK */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack goes.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Tag the function as a target of chaos experiments (AWS FIS selects by this tag).
   * @default true
   */
  readonly chaosTarget?: boolean;
  /**
   * A fixed name for the function's execution role, for a policy that must name the role before the function's
   * stack exists (the bus policy naming who may publish a source).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * A fixed function name, for callers in other stacks that grant on it by name rather than by a cross-stack
   * reference (the sandbox providers behind function URLs).
   * @default - a name CloudFormation generates
   */
  readonly functionName?: string;
}

/**
 * A Lambda function with the platform's defaults: the newest Node.js runtime aws-cdk-lib knows, arm64,
 * esbuild bundling with source maps and the AWS SDK v3 left to the runtime, Powertools from its layer, X-Ray
 * tracing, a log group with retention, and a `live` alias that every caller uses.
 */
export class ServiceFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  /** Invoke and grant through this, never the bare function: traffic shifting moves the alias. */
  public readonly alias: lambda.Alias;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const tracing = props.tracing ?? true;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });

    // The role Lambda would make, only named: the basic execution policy for its own logs.
    const role =
      props.roleName === undefined
        ? undefined
        : new iam.Role(this, 'ServiceRole', {
            roleName: props.roleName,
            assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
            managedPolicies: [
              iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
            ],
          });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      role,
      functionName: props.functionName,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup: this.logGroup,
      bundling: SERVICE_FUNCTION_BUNDLING,
      layers: [powertoolsLayer(this)],
      environment: {
        // sourceMap alone does not make Node read the maps: Node needs --enable-source-maps to apply them.
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_TRACE_DISABLED: String(!tracing),
        ...props.environment,
      },
    });

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: LIVE_ALIAS,
      version: this.function.currentVersion,
    });

    Tags.of(this.function).add('commerceforge:service', props.service);
    if (props.chaosTarget ?? true) Tags.of(this.function).add(CHAOS_TARGET_TAG, 'true');

    // A named role is the function's sibling, not its child: it needs the same acknowledgements.
    for (const scope of role ? [this.function, role] : [this.function]) {
      Validations.of(scope).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'AWSLambdaBasicExecutionRole is the minimal managed policy for writing the function its own logs.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; they need Resource *.',
        },
      );
    }
  }
}
