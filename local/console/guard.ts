/**
 * Who may use the console. It listens on 127.0.0.1 like the rest of the endpoint, but any page the browser
 * has open can send requests to localhost: so every console request must name a local host (a DNS-rebinding
 * page's Host is its own name), and a mutating request must come from the console's own origin (no CSRF): its
 * `Origin` is the endpoint's, `Sec-Fetch-Site` (when the browser sends it) says same-origin, and its body is
 * JSON — a content type no cross-site form can send without a preflight, which the console never answers.
 */
import type { HttpRequest } from '../server/router.js';
import { header } from '../server/router.js';

export class ConsoleAccessError extends Error {
  override readonly name = 'ConsoleAccessError';
  constructor(
    readonly code: 'FOREIGN_HOST' | 'CROSS_ORIGIN' | 'NOT_JSON',
    message: string,
  ) {
    super(message);
  }
}

const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

export function checkHost(request: HttpRequest): void {
  const host = header(request, 'host') ?? '';
  if (!LOCAL_HOST.test(host))
    throw new ConsoleAccessError('FOREIGN_HOST', `the console answers localhost only, not ${host}`);
}

export function checkSameOrigin(request: HttpRequest): void {
  checkHost(request);
  const host = header(request, 'host') ?? '';
  const origin = header(request, 'origin');
  if (origin !== `http://${host}` && origin !== `https://${host}`)
    throw new ConsoleAccessError(
      'CROSS_ORIGIN',
      `a console action must come from the console's page (origin ${origin ?? 'none'})`,
    );
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin')
    throw new ConsoleAccessError(
      'CROSS_ORIGIN',
      `a console action must come from the console's page (${site})`,
    );
  if (!/^application\/json\b/i.test(header(request, 'content-type') ?? ''))
    throw new ConsoleAccessError('NOT_JSON', 'a console action sends JSON');
}
