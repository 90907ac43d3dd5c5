/**
 * FIS's REST-JSON API on the endpoint (paths and shapes of the FIS service model, as the SDK's serializers and
 * the AWS CLI send them): ListExperimentTemplates, GetExperimentTemplate, StartExperiment, GetExperiment,
 * ListExperiments, StopExperiment, ListExperimentResolvedTargets, ListActions, GetAction and
 * ListTagsForResource. A route answers only requests signed for `fis` (its paths are generic: `/actions`,
 * `/tags/...`), so other REST services on the endpoint keep theirs. Timestamps are epoch seconds.
 */
import { AwsError } from '../core/aws-service.js';
import { errorResponse, type HttpRequest, type HttpResponse, json, type Router } from '../server/router.js';
import { FIS_ACTIONS, type FisActionDefinition } from './actions.js';
import type { Experiments, LocalExperiment } from './experiments.js';
import type { LocalTemplate } from './templates.js';

export interface FisApi {
  readonly templates: ReadonlyMap<string, LocalTemplate>;
  readonly experiments: Experiments;
  readonly region: string;
  readonly accountId: string;
}

const notFound = (what: string) => new AwsError('ResourceNotFoundException', `${what} not found`, 404);
const validation = (message: string) => new AwsError('ValidationException', message);

export function registerFisApi(router: Router, api: FisApi): void {
  const route = (
    method: string,
    pattern: RegExp,
    handler: (request: HttpRequest, match: RegExpMatchArray) => unknown,
  ) =>
    router.addRoute(method, pattern, async (request, match) => {
      // SigV4 scope: Credential=<key>/<date>/<region>/<service>/aws4_request.
      if (!/Credential=[^/]+\/[^/]+\/[^/]+\/fis\//.test(String(request.headers.authorization ?? '')))
        return undefined;
      try {
        return json(200, await handler(request, match));
      } catch (error) {
        return errorResponse(error, 'application/json') satisfies HttpResponse;
      }
    });
  const param = (match: RegExpMatchArray) => decodeURIComponent(match[1] ?? '');
  const template = (id: string) => api.templates.get(id) ?? throwError(notFound(`Experiment template ${id}`));
  const experiment = (id: string) => api.experiments.byId.get(id) ?? throwError(notFound(`Experiment ${id}`));

  route('GET', /^\/experimentTemplates\/?$/, (request) => {
    const all = [...api.templates.values()].map(({ template: t }) => ({
      id: t.id,
      arn: t.arn,
      description: t.description,
      creationTime: t.creationTime,
      lastUpdateTime: t.lastUpdateTime,
      tags: t.tags,
    }));
    const { items, nextToken } = page(all, request);
    return { experimentTemplates: items, ...(nextToken ? { nextToken } : {}) };
  });
  route('GET', /^\/experimentTemplates\/([^/]+)\/?$/, (_request, match) => ({
    experimentTemplate: template(param(match)).template,
  }));
  route('POST', /^\/experiments\/?$/, (request) => {
    const body = parseBody(request);
    if (typeof body.experimentTemplateId !== 'string') throw validation('experimentTemplateId is required');
    const found = template(body.experimentTemplateId);
    if (found.problems.length)
      throw validation(`The experiment template is not valid: ${found.problems.join('; ')}`);
    const started = api.experiments.start(found.template, {
      ...(typeof body.clientToken === 'string' ? { clientToken: body.clientToken } : {}),
      ...(isStringMap(body.tags) ? { tags: body.tags } : {}),
    });
    return { experiment: experimentView(started) };
  });
  route('GET', /^\/experiments\/?$/, (request) => {
    const templateId = request.url.searchParams.get('experimentTemplateId');
    const all = [...api.experiments.byId.values()]
      .filter((e) => !templateId || e.template.id === templateId)
      .map((e) => ({
        id: e.id,
        arn: e.arn,
        experimentTemplateId: e.template.id,
        state: { ...e.state },
        creationTime: e.creationTime / 1000,
        tags: e.tags,
        experimentOptions: experimentOptions(e),
      }));
    const { items, nextToken } = page(all, request);
    return { experiments: items, ...(nextToken ? { nextToken } : {}) };
  });
  route('GET', /^\/experiments\/([^/]+)\/?$/, (_request, match) => ({
    experiment: experimentView(experiment(param(match))),
  }));
  route('DELETE', /^\/experiments\/([^/]+)\/?$/, (_request, match) => {
    const found = experiment(param(match));
    const state = api.experiments.stop(found, 'Experiment stopped by user.');
    return { experiment: { ...experimentView(found), state } };
  });
  route('GET', /^\/experiments\/([^/]+)\/resolvedTargets\/?$/, (request, match) => {
    const found = experiment(param(match));
    const name = request.url.searchParams.get('targetName');
    const all = [...found.resolved.entries()]
      .filter(([targetName]) => !name || targetName === name)
      .flatMap(([targetName, functions]) =>
        functions.map((fn) => ({
          resourceType: found.template.targets[targetName]?.resourceType,
          targetName,
          targetInformation: { arn: fn.qualifier ? `${fn.arn}:${fn.qualifier}` : fn.arn },
        })),
      );
    const { items, nextToken } = page(all, request);
    return { resolvedTargets: items, ...(nextToken ? { nextToken } : {}) };
  });
  route('GET', /^\/actions\/?$/, (request) => {
    const { items, nextToken } = page(Object.values(FIS_ACTIONS), request);
    return {
      actions: items.map((a) => ({
        id: a.id,
        arn: actionArn(api, a),
        description: a.description,
        targets: targetsOf(a),
        tags: {},
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  });
  route('GET', /^\/actions\/([^/]+)\/?$/, (_request, match) => {
    const action = FIS_ACTIONS[param(match)] ?? throwError(notFound(`Action ${param(match)}`));
    return {
      action: {
        id: action.id,
        arn: actionArn(api, action),
        description: action.description,
        parameters: Object.fromEntries(
          Object.entries(action.parameters).map(([name, p]) => [
            name,
            { description: p.description, required: p.required },
          ]),
        ),
        targets: targetsOf(action),
        tags: {},
      },
    };
  });
  route('GET', /^\/tags\/(.+)$/, (_request, match) => {
    const arn = param(match);
    const id = arn.split('/').pop() ?? '';
    const tags = api.templates.get(id)?.template.tags ?? api.experiments.byId.get(id)?.tags;
    if (!tags) throw notFound(`Resource ${arn}`);
    return { tags };
  });
}

/** An experiment as GetExperiment, StartExperiment and StopExperiment answer it. */
export function experimentView(e: LocalExperiment) {
  const { template } = e;
  return {
    id: e.id,
    arn: e.arn,
    experimentTemplateId: template.id,
    ...(template.roleArn ? { roleArn: template.roleArn } : {}),
    state: { ...e.state },
    targets: template.targets,
    actions: Object.fromEntries(
      Object.entries(e.actions).map(([name, a]) => [
        name,
        {
          actionId: a.actionId,
          ...(a.description ? { description: a.description } : {}),
          parameters: a.parameters ?? {},
          targets: a.targets ?? {},
          ...(a.startAfter ? { startAfter: a.startAfter } : {}),
          state: { ...a.state },
          ...(a.startTime !== undefined ? { startTime: a.startTime / 1000 } : {}),
          ...(a.endTime !== undefined ? { endTime: a.endTime / 1000 } : {}),
        },
      ]),
    ),
    stopConditions: template.stopConditions,
    creationTime: e.creationTime / 1000,
    ...(e.startTime !== undefined ? { startTime: e.startTime / 1000 } : {}),
    ...(e.endTime !== undefined ? { endTime: e.endTime / 1000 } : {}),
    tags: e.tags,
    ...(template.logConfiguration ? { logConfiguration: template.logConfiguration } : {}),
    experimentOptions: experimentOptions(e),
    targetAccountConfigurationsCount: 0,
  };
}

function experimentOptions(e: LocalExperiment) {
  return { ...e.template.experimentOptions, actionsMode: 'run-all' };
}

function actionArn(api: FisApi, action: FisActionDefinition): string {
  return `arn:aws:fis:${api.region}:${api.accountId}:action/${action.id}`;
}

function targetsOf(action: FisActionDefinition) {
  return action.target ? { [action.target.key]: { resourceType: action.target.resourceType } } : {};
}

/** FIS's paging: `maxResults` (1-100) and an opaque `nextToken` (here the index to go on from). */
function page<T>(all: readonly T[], request: HttpRequest): { items: T[]; nextToken?: string } {
  const max = Number(request.url.searchParams.get('maxResults') ?? 100);
  const token = request.url.searchParams.get('nextToken');
  const start = token === null ? 0 : Number(token);
  if (!Number.isInteger(max) || max < 1 || max > 100) throw validation('maxResults must be 1..100');
  if (!Number.isInteger(start) || start < 0 || start > all.length) throw validation('invalid nextToken');
  const items = all.slice(start, start + max);
  return start + max < all.length ? { items, nextToken: String(start + max) } : { items };
}

function parseBody(request: HttpRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const body = JSON.parse(request.body.toString('utf8')) as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AwsError('SerializationException', 'the request body is not a JSON object');
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

function throwError(error: Error): never {
  throw error;
}
