/**
 * One game day: a baseline window of orders, the experiment started through FIS with the fault window's orders
 * driven while it runs, the experiment's end (dead-lettered messages moved back, as the runbook says), a
 * recovery window, then the hypothesis per window and the invariants over every order. The orders go through
 * the load driver of bench/load.ts (`runLoad`), the same GraphQL path customers take.
 */
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type LoadReport, runLoad } from '../../bench/load.js';
import { deliveryReader } from './delivery.js';
import { type FisRunner, fisRunner, type StateChange } from './fis.js';
import { evaluateHypothesis, injectedFaults, phaseFigures, type Verdict, verdictOf } from './hypothesis.js';
import { checkInvariants } from './invariants.js';
import {
  type Collected,
  type HypothesisCheck,
  type InjectedFaults,
  type InvariantResult,
  type OrderRecord,
  PHASES,
  type Phase,
  type PhaseFigures,
  type Tolerances,
  type WindowCustomer,
} from './model.js';
import { storeReader } from './stores.js';
import { clientConfig, discovery, type Target } from './target.js';

export interface GameDayOptions {
  /** The experiment template's `Name` tag. */
  readonly experiment: string;
  /** Orders driven while the experiment runs. */
  readonly orders: number;
  readonly concurrency: number;
  /** Orders in the baseline and in the recovery window each. */
  readonly windowOrders: number;
  readonly target: Target;
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly tolerances: Tolerances;
  /** Stop the experiment (StopExperiment) once the fault window's orders are decided, instead of waiting. */
  readonly stopWhenDone: boolean;
  /** How long the experiment may take to start and to end. */
  readonly experimentTimeoutMs: number;
  /** Move dead-lettered messages back after the fault (the runbook's redrive). */
  readonly redrive: boolean;
  /** How long the stores, read models and deliveries may take to settle once every saga ended. */
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface TimelineEntry {
  readonly at: string;
  readonly what: string;
}

export interface GameDayResult {
  readonly experiment: string;
  readonly templateId: string;
  readonly experimentId: string;
  readonly experimentStatus: string;
  readonly stoppedByRunner: boolean;
  readonly verdict: Verdict;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly target: { readonly endpoint: string; readonly stage: string; readonly region: string };
  readonly settings: { orders: number; concurrency: number; windowOrders: number; tolerances: Tolerances };
  readonly injected: InjectedFaults;
  readonly stopConditions: readonly string[];
  readonly timeline: readonly TimelineEntry[];
  readonly fisStates: readonly StateChange[];
  readonly figures: Readonly<Record<Phase, PhaseFigures>>;
  readonly checks: readonly HypothesisCheck[];
  readonly invariants: readonly InvariantResult[];
  readonly collected: Pick<Collected, 'deadLetters' | 'rules'>;
}

/** Step Functions through the SDK, answering in the JSON shapes runLoad reads (dates as epoch seconds). */
function stepFunctionsCaller(target: Target) {
  const client = new SFNClient(clientConfig(target));
  const seconds = (date?: Date) => (date ? date.getTime() / 1000 : undefined);
  const call = async <T>(action: string, body: unknown): Promise<T> => {
    if (action === 'ListStateMachines')
      return (await client.send(new ListStateMachinesCommand(body as object))) as T;
    if (action === 'ListExecutions') {
      const out = await client.send(new ListExecutionsCommand(body as ListExecutionsCommand['input']));
      const executions = (out.executions ?? []).map((e) => ({
        ...e,
        startDate: seconds(e.startDate),
        stopDate: seconds(e.stopDate),
      }));
      return { ...out, executions } as T;
    }
    throw new Error(`no Step Functions adapter for ${action}`);
  };
  return Object.assign(call, { destroy: () => client.destroy() });
}

export async function runGameDay(options: GameDayOptions): Promise<GameDayResult> {
  const { log, target } = options;
  const startedAt = new Date();
  const timeline: TimelineEntry[] = [];
  const mark = (what: string) => {
    timeline.push({ at: new Date().toISOString(), what });
    log(`gameday: ${what}`);
  };
  const names = discovery(target);
  const stores = storeReader(target, names);
  const delivery = deliveryReader(target, names);
  const fis: FisRunner = fisRunner(target);
  const stepFunctions = stepFunctionsCaller(target);
  try {
    const template = await fis.template(options.experiment);
    const injected = injectedFaults(template.actions);
    mark(`template ${template.id} (${options.experiment}): ${injected.actions.join('; ') || 'no actions'}`);
    const deadLettersBefore = await delivery.deadLetterDepths();

    const orders: OrderRecord[] = [];
    const customers: WindowCustomer[] = [];
    const window = async (phase: Phase, count: number) => {
      mark(`${phase} window: ${count} orders at ${options.concurrency}`);
      const report = await runLoad({
        graphqlUrl: options.graphqlUrl,
        awsEndpoint: target.endpoint ?? '',
        apiKey: options.apiKey,
        orders: count,
        concurrency: options.concurrency,
        skus: Math.min(8, count),
        settleTimeoutMs: Math.max(180_000, options.settleTimeoutMs),
        stepFunctions,
        priceListed: (skus) => stores.priceListed(skus),
        orderViews: (orderIds) => stores.orderViews(orderIds),
        log,
      });
      const records = recordsOf(phase, report);
      orders.push(...records);
      customers.push({ phase, customerId: report.customerId });
      const why = Object.entries(phaseFigures(records, phase).reasons).map(
        ([reason, n]) => `${n}× ${reason}`,
      );
      mark(
        `${phase} window done: ${report.confirmed} confirmed, ${report.cancelled} cancelled, ${report.refused} refused, ${report.pending} not terminal${why.length ? ` (${why.join('; ')})` : ''}`,
      );
      return report;
    };

    const baseline = await window('baseline', options.windowOrders);
    const fisStates: StateChange[] = [];
    const experimentId = await fis.start(template.id, options.experiment);
    mark(`experiment ${experimentId} started`);
    const running = await fis.watch(
      experimentId,
      fisStates,
      (s) => s === 'running',
      options.experimentTimeoutMs,
    );
    mark(`experiment ${running}`);
    // Watched while the orders go, so the timeline says when a stop condition halted it, not when they ended.
    let faultDone = false;
    // A failed poll is kept for after the window (rethrown there), never left as an unhandled rejection.
    const watching: Promise<unknown> = fis.isEnded(running)
      ? Promise.resolve()
      : fis
          .watch(experimentId, fisStates, () => faultDone, options.experimentTimeoutMs + 3_600_000)
          .then(
            () => undefined,
            (error: unknown) => error ?? new Error('watch failed'),
          );
    const fault = await window('fault', options.orders).finally(() => {
      faultDone = true;
    });
    const watchError = await watching;
    if (watchError) throw watchError;
    let stoppedByRunner = false;
    if (!fis.isEnded(running)) {
      const now = await fis.watch(experimentId, fisStates, () => true, options.experimentTimeoutMs);
      if (options.stopWhenDone && !fis.isEnded(now)) {
        await fis.stop(experimentId);
        stoppedByRunner = true;
        mark(`experiment stopped by the game day (--stop-when-done)`);
      } else if (!fis.isEnded(now)) mark('waiting for the experiment to end');
    }
    const experimentStatus = await fis.watch(
      experimentId,
      fisStates,
      () => false,
      options.experimentTimeoutMs,
    );
    mark(`experiment ${experimentStatus}${fisStates.at(-1)?.reason ? `: ${fisStates.at(-1)?.reason}` : ''}`);

    const redriven = new Map<string, number>();
    if (options.redrive) {
      const grown = await delivery.deadLetterDepths();
      for (const [url, n] of await delivery.redriveGrown(deadLettersBefore, grown, log)) redriven.set(url, n);
      if (redriven.size > 0)
        mark(`redrove ${[...redriven.values()].reduce((a, b) => a + b, 0)} dead-lettered messages`);
    }
    const recovery = await window('recovery', options.windowOrders);

    mark('collecting: read models, event stores, AWS/Events metrics, dead-letter queues');
    const duplicateSagas = [baseline, fault, recovery].reduce((sum, r) => sum + r.duplicateSagas, 0);
    const collect = async (): Promise<Collected> => {
      const read = await stores.orders(orders, customers);
      const ids = read.flatMap((o) => (o.orderId ? [o.orderId] : []));
      const skus = [...new Set(read.map((o) => o.sku))];
      const deadLettersAfter = await delivery.deadLetterDepths();
      return {
        orders: read,
        payments: await stores.payments(ids),
        stock: await stores.stock(skus),
        rules: await delivery.settledDeliveries(startedAt, options.settleTimeoutMs),
        deadLetters: delivery.depthsReport(deadLettersBefore, deadLettersAfter, redriven),
        effects: { ...(await stores.effects(startedAt.toISOString())), duplicateSagas },
      };
    };
    // Read models and deliveries catch up after the sagas end: read again until every invariant holds or the
    // settle time is up (then the last reading is the verdict).
    const settleBy = Date.now() + options.settleTimeoutMs;
    let collected = await collect();
    let invariants = checkInvariants(collected);
    while (invariants.some((i) => !i.holds) && Date.now() < settleBy) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      collected = await collect();
      invariants = checkInvariants(collected);
    }
    const figures = Object.fromEntries(PHASES.map((p) => [p, phaseFigures(collected.orders, p)])) as Record<
      Phase,
      PhaseFigures
    >;
    const checks = evaluateHypothesis(figures, injected, options.tolerances);
    const verdict = verdictOf(checks, invariants, experimentStatus, stoppedByRunner);
    mark(`verdict ${verdict}`);
    return {
      experiment: options.experiment,
      templateId: template.id,
      experimentId,
      experimentStatus,
      stoppedByRunner,
      verdict,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      target: { endpoint: target.endpoint ?? 'AWS', stage: target.stage, region: target.region },
      settings: {
        orders: options.orders,
        concurrency: options.concurrency,
        windowOrders: options.windowOrders,
        tolerances: options.tolerances,
      },
      injected,
      stopConditions: template.stopConditions,
      timeline,
      fisStates,
      figures,
      checks,
      invariants,
      collected: { deadLetters: collected.deadLetters, rules: collected.rules },
    };
  } finally {
    names.destroy();
    stores.destroy();
    delivery.destroy();
    fis.destroy();
    stepFunctions.destroy();
  }
}

function recordsOf(phase: Phase, report: LoadReport): OrderRecord[] {
  return report.outcomes.map((o) => ({
    phase,
    sku: o.sku,
    quantity: o.quantity,
    ackMs: o.ackMs,
    ...(o.orderId ? { orderId: o.orderId } : {}),
    ...(o.error ? { error: o.error } : {}),
    ...(o.status ? { status: o.status } : {}),
    ...(o.failureReason !== undefined ? { failureReason: o.failureReason } : {}),
    ...(o.sagaMs !== undefined ? { sagaMs: o.sagaMs } : {}),
  }));
}
