/**
 * The local console: a page at `/` (for a browser) and `/console` with its JSON API under `/console/api/`
 * and the bus's live events as server-sent events at `/console/api/events/stream`. It knows AWS, not the
 * app: everything it shows comes from the templates and the local services. Read-only but for the redrive of
 * a dead-letter queue, a POST that only the console's own page may send (guard.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { attachEventStreams } from '../appsync/server-hooks.js';
import type { LocalCloud } from '../cloud.js';
import { AwsError } from '../core/aws-service.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import type { LocalEventBridge } from '../eventbridge/index.js';
import { type HttpRequest, type HttpResponse, json } from '../server/router.js';
import type { StepFunctionsService } from '../stepfunctions/index.js';
import { EventIndex, filterOf, matches, summarize } from './events.js';
import { ConsoleAccessError, checkHost, checkSameOrigin } from './guard.js';
import { mapCounts } from './map-counts.js';
import * as ops from './operations.js';
import { deadLetterQueues, peekMessages, RedriveError, redriveQueue } from './queues.js';
import { executionView, listExecutions } from './sagas.js';
import { buildServiceMap, type ServiceMap } from './service-map.js';
import { SECURITY_HEADERS, uiFile, vendorFile } from './static.js';
import { waterfall } from './traces.js';

export interface ConsolePluginOptions {
  /** The local EventBridge once started (the live events and the map's delivery counts). */
  readonly eventBridge?: () => LocalEventBridge | undefined;
  /** The local Step Functions once started (the sagas). */
  readonly stepFunctions?: () => StepFunctionsService | undefined;
  /** The environment variable that names the circuit breakers' state table in the functions that use it. */
  readonly circuitBreakerTableVariable?: string;
  /** Where game-day reports are written. @default `gameday-reports` in the working directory */
  readonly reportsDir?: string;
}

const API = '/console/api';

export function consolePlugin(options: ConsolePluginOptions = {}): LocalCloudPlugin {
  const index = new EventIndex();
  const stops: Array<() => void> = [];
  let clients: ops.Clients | undefined;
  return {
    name: 'console',
    resourceTypes: [],
    start(cloud: LocalCloud) {
      const bridge = options.eventBridge?.();
      if (bridge) {
        stops.push(bridge.onEvent((accepted) => index.addEvent(accepted)));
        stops.push(bridge.onDelivery((record) => void index.addDelivery(record)));
      }
      const sfn = () => options.stepFunctions?.();
      const api = clientsFor(cloud);
      clients = api;
      const reportsDir = options.reportsDir ?? path.resolve('gameday-reports');
      let map: ServiceMap | undefined;
      const route = (
        method: string,
        pattern: RegExp,
        handle: (request: HttpRequest, match: RegExpMatchArray) => Promise<unknown> | unknown,
      ) =>
        cloud.router.addRoute(method, pattern, async (request, match) => {
          try {
            if (method === 'POST') checkSameOrigin(request);
            else checkHost(request);
            return json(200, await handle(request, match), SECURITY_HEADERS);
          } catch (error) {
            return failure(error);
          }
        });

      const page = async (request: HttpRequest): Promise<HttpResponse | undefined> => {
        // `/` is the endpoint's root too: only a browser asking for a page gets the console there.
        if (request.url.pathname === '/' && !/text\/html/.test(String(request.headers.accept ?? '')))
          return undefined;
        try {
          checkHost(request);
        } catch (error) {
          return failure(error);
        }
        return uiFile('index.html');
      };
      cloud.router.addRoute('GET', /^\/(?:console\/?)?$/, page);
      cloud.router.addRoute('GET', /^\/console\/ui\/([a-z0-9/.-]+)$/, async (_request, match) =>
        uiFile(match[1] ?? ''),
      );
      cloud.router.addRoute('GET', /^\/console\/vendor\/([a-z0-9.-]+)$/, async (_request, match) =>
        vendorFile(match[1] ?? ''),
      );

      route('GET', /^\/console\/api\/overview$/, () => ({
        stacks: cloud.model.stacks.map((stack) => stack.stackName),
        region: cloud.region,
        graphql: cloud.router.targetPrefixes.length > 0 ? '/graphql' : undefined,
        health: cloud.health(),
      }));
      route('GET', /^\/console\/api\/map$/, () => {
        map ??= buildServiceMap(cloud.model);
        return { ...map, counts: mapCounts(map, cloud, index, sfn()) };
      });
      route('GET', /^\/console\/api\/events$/, (request) => ({
        events: index.list(filterOf(request.url.searchParams)),
      }));
      route('GET', /^\/console\/api\/events\/([^/]+)$/, (_request, match) => {
        const found = index.get(decodeURIComponent(match[1] ?? ''));
        if (!found)
          throw new ops.ConsoleInputError('NOT_FOUND', 'no such event (the console keeps the last 2,000)');
        return found;
      });
      route('GET', /^\/console\/api\/executions$/, () => ({
        executions: sfn() ? listExecutions(sfn()!) : [],
      }));
      route('GET', /^\/console\/api\/executions\/([^/]+)$/, (_request, match) => {
        const service = sfn();
        if (!service) throw new ops.ConsoleInputError('NOT_FOUND', 'no Step Functions on this endpoint');
        return executionView(service, decodeURIComponent(match[1] ?? ''));
      });
      route('GET', /^\/console\/api\/traces$/, () => ({
        traces: cloud.xray.list().slice(0, 100),
        correlationIds: [
          ...new Set(index.list({}, 500).flatMap((e) => (e.correlationId ? [e.correlationId] : []))),
        ].slice(0, 50),
      }));
      route('GET', /^\/console\/api\/waterfall$/, (request) => {
        const traceId = request.url.searchParams.get('traceId')?.slice(0, 64) || undefined;
        const correlationId = request.url.searchParams.get('correlationId')?.slice(0, 200) || undefined;
        if (!traceId && !correlationId)
          throw new ops.ConsoleInputError('BAD_NAME', 'give a traceId or a correlationId');
        const service = sfn();
        return waterfall(
          { xray: cloud.xray, events: index, ...(service ? { stepFunctions: service } : {}) },
          { ...(traceId ? { traceId } : {}), ...(correlationId ? { correlationId } : {}) },
        );
      });
      route('GET', /^\/console\/api\/queues$/, () => ({ queues: deadLetterQueues(cloud.model, cloud.sqs) }));
      route('GET', /^\/console\/api\/queues\/([^/]+)\/messages$/, (_request, match) => ({
        messages: peekMessages(cloud.sqs, decodeURIComponent(match[1] ?? '')),
      }));
      route('POST', /^\/console\/api\/queues\/([^/]+)\/redrive$/, (_request, match) =>
        redriveQueue(cloud.model, cloud.sqs, options.eventBridge?.(), decodeURIComponent(match[1] ?? '')),
      );
      route('GET', /^\/console\/api\/alarms$/, async () => ({ alarms: await ops.alarms(api) }));
      route('GET', /^\/console\/api\/metrics$/, async () => ({ metrics: await ops.metrics(api) }));
      route('GET', /^\/console\/api\/tables$/, async () => ({ tables: await ops.tables(api) }));
      route('GET', /^\/console\/api\/tables\/([^/]+)\/items$/, (request, match) =>
        ops.items(api, decodeURIComponent(match[1] ?? ''), request.url.searchParams.get('next') ?? undefined),
      );
      route('GET', /^\/console\/api\/circuit-breakers$/, () =>
        ops.circuitBreakers(api, cloud.model, options.circuitBreakerTableVariable),
      );
      route('GET', /^\/console\/api\/fis$/, () => ops.experiments(api));
      route('GET', /^\/console\/api\/reports$/, () => ({
        dir: path.basename(reportsDir),
        reports: ops.reports(reportsDir),
      }));
      route('GET', /^\/console\/api\/reports\/([^/]+)$/, (_request, match) => ({
        text: ops.report(reportsDir, decodeURIComponent(match[1] ?? '')),
      }));

      const detach = attachEventStreams(cloud.router, (req, res, url) => {
        if (url.pathname !== `${API}/events/stream` || req.method !== 'GET') return false;
        stream(req, res, url, options.eventBridge?.(), index);
        return true;
      });
      if (detach) stops.push(detach);
      else cloud.logger.warn('  console: the endpoint cannot stream: live events are off');
      cloud.logger.info(`  console: ${cloud.url.replace('127.0.0.1', 'localhost')}/console`);
    },
    stop() {
      for (const stop of stops.splice(0)) stop();
      clients?.destroy();
    },
  };
}

function clientsFor(cloud: LocalCloud): ops.Clients {
  return ops.clientsFor(cloud.url, cloud.region);
}

/** The bus's events as they pass, filtered as the query says; a delivery outcome follows its event. */
function stream(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bridge: LocalEventBridge | undefined,
  index: EventIndex,
): void {
  if (!/^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/i.test(req.headers.host ?? '')) {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { code: 'FOREIGN_HOST', message: 'the console answers localhost only' } }),
    );
    return;
  }
  const filter = filterOf(url.searchParams);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...SECURITY_HEADERS,
  });
  res.write(': console live events\n\n');
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const shown = new Set<string>();
  const offEvent = bridge?.onEvent((accepted) => {
    const summary = summarize(accepted);
    if (!matches(summary, filter)) return;
    shown.add(summary.id);
    // Outcomes come within the retry policy's time: the last few thousand events are enough to follow.
    if (shown.size > 5_000) shown.delete(shown.values().next().value as string);
    send('bus-event', { ...summary, deliveries: [] });
  });
  const offDelivery = bridge?.onDelivery((record) => {
    if (!shown.has(record.eventId)) return;
    send('delivery', { eventId: record.eventId, deliveries: index.deliveriesOf(record.eventId) });
  });
  const keepAlive = setInterval(() => res.write(': ka\n\n'), 15_000);
  keepAlive.unref();
  // The response's close, not the request's: a request closes as soon as its (empty) body was read.
  res.on('close', () => {
    clearInterval(keepAlive);
    offEvent?.();
    offDelivery?.();
  });
}

function failure(error: unknown): HttpResponse {
  const code = (error as { code?: string }).code ?? 'InternalError';
  const message = error instanceof Error ? error.message : String(error);
  let status = 500;
  if (error instanceof ConsoleAccessError) status = 403;
  else if (error instanceof ops.ConsoleInputError) status = error.code === 'NOT_FOUND' ? 404 : 400;
  else if (error instanceof RedriveError) status = error.code === 'NO_SUCH_QUEUE' ? 404 : 400;
  else if (error instanceof AwsError)
    status = /DoesNotExist|NotFound/.test(error.code) ? 404 : error.statusCode;
  return json(status, { error: { code, message } }, SECURITY_HEADERS);
}
