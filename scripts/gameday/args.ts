/** The game day's command line: parsed and validated here, each bad value refused with a GameDayUsageError. */
import { parseArgs } from 'node:util';
import { GameDayUsageError } from './errors.js';
import { DEFAULT_TOLERANCES, type Tolerances } from './model.js';

export const USAGE = `npm run gameday -- <experiment> [options]

Runs a chaos game day: a baseline window of orders, the FIS experiment template tagged Name=<experiment>
started through the FIS API with orders driven while it runs, a recovery window once it ended; then checks
the steady-state hypothesis per window and the invariants (every order terminal, no unit oversold and stock
conserved, money conserved, every event delivered or dead-lettered, no duplicate charge, shipment or
notification). Writes a markdown and a JSON report; exits 0 on PASS, 1 on FAIL, 2 when it could not run.

Experiments (the catalogue): payment-latency, payment-errors, inventory-errors, carrier-outage,
projector-errors, gameday.

Options
  --orders N                  orders driven during the experiment (default 1000)
  --concurrency C             orders in flight at once (default 16)
  --window-orders W           orders in the baseline and in the recovery window each
                              (default max(2×C, N/10))
  --endpoint URL              the local cloud (default http://localhost:$PORT, PORT default 4566); when
                              nothing answers there, one is started in this process (synth if needed)
                              and stopped at the end
  --app DIR                   the cloud assembly an in-process local cloud runs (default cdk.out, synthesized
                              when stale; LOCAL_CLOUD_ASSEMBLY also sets it), as npm start --app
  --aws                       run against a deployed stage instead: the SDK's own endpoints and credential
                              chain (AWS_PROFILE / AWS_ACCESS_KEY_ID…, AWS_REGION); never starts anything
  --stage S                   the stage whose discovery parameters name the tables (default dev)
  --region R                  (default AWS_REGION or us-east-1)
  --graphql URL               the Merged API (default: <endpoint>/graphql locally, the discovery parameter
                              /commerceforge/<stage>/api/graphql-url with --aws)
  --api-key KEY               the API key (default GAMEDAY_API_KEY, then LOCAL_API_KEY, then local-dev-key)
  --report DIR                where reports go (default gameday-reports)
  --stop-when-done            stop the experiment (StopExperiment) once the fault window's orders are
                              decided, instead of waiting for its own end
  --no-redrive                leave dead-lettered messages where they are after the fault
  --experiment-timeout S      how long the experiment may take to start and to end (default 1800)
  --settle-timeout S          how long read models and deliveries may take to catch up (default 120)
  --min-success R             baseline/recovery saga success rate floor (default ${DEFAULT_TOLERANCES.minSuccessRate})
  --compensation-tolerance R  fault: compensation rate ≤ injected error rate + R (default ${DEFAULT_TOLERANCES.compensationTolerance})
  --max-saga-p99 S            baseline/recovery saga p99 ceiling, seconds (default ${DEFAULT_TOLERANCES.maxSagaP99Ms / 1000})
  --max-fault-saga-p99 S      fault saga p99 ceiling before the injected delay, seconds (default ${DEFAULT_TOLERANCES.maxFaultSagaP99Ms / 1000})
  --verbose                   the in-process local cloud's own log lines
  --help

Locally:   npm start   (or let the game day start one), then  npm run gameday -- payment-errors --orders 200
Deployed:  AWS_PROFILE=… AWS_REGION=eu-west-1 npm run gameday -- gameday --aws --stage dev --api-key …
`;

export interface GameDayArgs {
  readonly experiment: string;
  readonly orders: number;
  readonly concurrency: number;
  readonly windowOrders: number;
  /** Undefined with --aws. */
  readonly endpoint?: string;
  /** The assembly a local cloud started here runs. */
  readonly app?: string;
  readonly stage: string;
  readonly region: string;
  readonly graphqlUrl?: string;
  readonly apiKey: string;
  readonly reportDir: string;
  readonly stopWhenDone: boolean;
  readonly redrive: boolean;
  readonly experimentTimeoutMs: number;
  readonly settleTimeoutMs: number;
  readonly tolerances: Tolerances;
  readonly verbose: boolean;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new GameDayUsageError(`--${name} takes a positive integer, not "${value}"`);
  return n;
}

function rate(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new GameDayUsageError(`--${name} takes a rate from 0 to 1, not "${value}"`);
  return n;
}

/** `undefined` for --help. */
export function parseGameDayArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): GameDayArgs | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new GameDayUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [experiment, ...extra] = positionals;
  if (!experiment) throw new GameDayUsageError('name the experiment, e.g. npm run gameday -- payment-errors');
  if (extra.length > 0)
    throw new GameDayUsageError(`one experiment at a time (also given: ${extra.join(' ')})`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(experiment))
    throw new GameDayUsageError(`"${experiment}" is not an experiment name (lowercase words with dashes)`);
  if (values.aws && values.endpoint) throw new GameDayUsageError('--aws and --endpoint exclude each other');
  const orders = positiveInteger(values.orders, 'orders', 1000);
  const concurrency = positiveInteger(values.concurrency, 'concurrency', 16);
  const windowOrders = positiveInteger(
    values['window-orders'],
    'window-orders',
    Math.max(2 * concurrency, Math.ceil(orders / 10)),
  );
  let endpoint: string | undefined;
  if (!values.aws) {
    endpoint = (values.endpoint ?? `http://localhost:${env.PORT ?? 4566}`).replace(/\/$/, '');
    if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol))
      throw new GameDayUsageError(`--endpoint takes an http(s) URL, not "${endpoint}"`);
  }
  const seconds = (name: string, value: string | undefined, fallback: number) =>
    positiveInteger(value, name, fallback) * 1000;
  return {
    experiment,
    orders,
    concurrency,
    windowOrders,
    ...(endpoint ? { endpoint } : {}),
    ...((values.app ?? env.LOCAL_CLOUD_ASSEMBLY) ? { app: values.app ?? env.LOCAL_CLOUD_ASSEMBLY } : {}),
    stage: values.stage ?? 'dev',
    region: values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(values.graphql ? { graphqlUrl: values.graphql } : {}),
    apiKey: values['api-key'] ?? env.GAMEDAY_API_KEY ?? env.LOCAL_API_KEY ?? 'local-dev-key',
    reportDir: values.report ?? 'gameday-reports',
    stopWhenDone: values['stop-when-done'] ?? false,
    redrive: !values['no-redrive'],
    experimentTimeoutMs: seconds('experiment-timeout', values['experiment-timeout'], 1800),
    settleTimeoutMs: seconds('settle-timeout', values['settle-timeout'], 120),
    tolerances: {
      ...DEFAULT_TOLERANCES,
      minSuccessRate: rate(values['min-success'], 'min-success', DEFAULT_TOLERANCES.minSuccessRate),
      compensationTolerance: rate(
        values['compensation-tolerance'],
        'compensation-tolerance',
        DEFAULT_TOLERANCES.compensationTolerance,
      ),
      maxSagaP99Ms: seconds('max-saga-p99', values['max-saga-p99'], DEFAULT_TOLERANCES.maxSagaP99Ms / 1000),
      maxFaultSagaP99Ms: seconds(
        'max-fault-saga-p99',
        values['max-fault-saga-p99'],
        DEFAULT_TOLERANCES.maxFaultSagaP99Ms / 1000,
      ),
    },
    verbose: values.verbose ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      'window-orders': { type: 'string' },
      endpoint: { type: 'string' },
      aws: { type: 'boolean' },
      app: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      graphql: { type: 'string' },
      'api-key': { type: 'string' },
      report: { type: 'string' },
      'stop-when-done': { type: 'boolean' },
      'no-redrive': { type: 'boolean' },
      'experiment-timeout': { type: 'string' },
      'settle-timeout': { type: 'string' },
      'min-success': { type: 'string' },
      'compensation-tolerance': { type: 'string' },
      'max-saga-p99': { type: 'string' },
      'max-fault-saga-p99': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
