/** The local cloud's own routes: `/health`, and what the console reads (traces, invocations, resources). */
import type { LocalCloud } from '../core/local-cloud.js';
import { json, type Router } from './router.js';

export function registerLocalRoutes(router: Router, cloud: LocalCloud): void {
  router.addRoute('GET', /^\/health\/?$/, async () => json(200, cloud.health()));
  router.addRoute('GET', /^\/_local\/traces\/?$/, async () => json(200, { traces: cloud.xray.list() }));
  router.addRoute('GET', /^\/_local\/traces\/([^/]+)\/?$/, async (_request, match) => {
    const trace = cloud.xray.get(decodeURIComponent(match[1] ?? ''));
    return trace
      ? json(200, trace)
      : json(404, { __type: 'ResourceNotFoundException', message: 'no such trace' });
  });
  router.addRoute('GET', /^\/_local\/invocations\/?$/, async (request) => {
    const fn = request.url.searchParams.get('function') ?? undefined;
    return json(200, { invocations: cloud.lambda.invocations(fn) });
  });
  router.addRoute('GET', /^\/_local\/usage\/?$/, async () =>
    json(200, { usage: cloud.usage.snapshot(), breakdown: cloud.usage.breakdown() }),
  );
  router.addRoute('GET', /^\/_local\/resources\/?$/, async () =>
    json(200, {
      resources: cloud.model.resources().map((resource) => ({
        stackName: resource.stackName,
        logicalId: resource.logicalId,
        type: resource.type,
        physicalId: cloud.model.identity(resource).ref,
      })),
    }),
  );
}
