/**
 * One call to an outbound HTTP dependency (a payment provider, a carrier): JSON in, JSON out, a per-call
 * timeout shorter than the calling function's, and, for a dependency behind a Lambda function URL with
 * AWS_IAM auth (the bundled sandbox), a SigV4 signature with the function's own credentials. What is not an
 * answer — a timeout, a refused connection, a 5xx or a 429 — is thrown as `OutboundUnavailableError`, so a
 * caller (and a circuit breaker wrapped around it) can tell an outage from an answer it does not like.
 */
import { KernelError } from './errors.js';
import { type Credentials, credentialsFromEnvironment, postSigner } from './sigv4.js';

export class OutboundUnavailableError extends KernelError {
  override readonly name = 'OutboundUnavailableError';
  readonly code = 'OUTBOUND_UNAVAILABLE';
  constructor(
    message: string,
    /** `timeout`, `network`, or the HTTP status that said "not now". */
    readonly reason: 'timeout' | 'network' | number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OutboundRequest {
  /** The dependency's base URL (a function URL ends with `/`). */
  readonly baseUrl: string;
  /** e.g. `/v1/charges`. */
  readonly path: string;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  /** Sign as IAM for a function URL (`lambda`). @default no signature */
  readonly signAs?: 'lambda';
  /** @default the function's own, from the environment */
  readonly credentials?: Credentials;
  readonly fetch?: typeof fetch;
}

export interface OutboundAnswer {
  readonly status: number;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly headers: Headers;
}

export async function postJson(request: OutboundRequest): Promise<OutboundAnswer> {
  const url = new URL(
    request.path.replace(/^\//, ''),
    request.baseUrl.endsWith('/') ? request.baseUrl : `${request.baseUrl}/`,
  );
  const body = JSON.stringify(request.body);
  let headers: Record<string, string> = {
    'content-type': 'application/json',
    ...request.headers,
    host: url.host,
  };
  if (request.signAs) headers = await sign(url, body, headers, request.signAs, request.credentials);
  const send = request.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    // One signal for the whole exchange: a provider that sends headers and then stalls is a timeout too.
    const signal = AbortSignal.timeout(request.timeoutMs);
    response = await send(url, { method: 'POST', headers, body, signal });
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    throw new OutboundUnavailableError(
      timedOut
        ? `${url.host} did not answer within ${request.timeoutMs} ms`
        : `${url.host} could not be reached`,
      timedOut ? 'timeout' : 'network',
      { cause: error },
    );
  }
  if (response.status >= 500 || response.status === 429) {
    throw new OutboundUnavailableError(`${url.host} answered ${response.status}`, response.status);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, headers: response.headers };
}

async function sign(
  url: URL,
  body: string,
  headers: Record<string, string>,
  service: 'lambda',
  given: Credentials | undefined,
) {
  const credentials = given ?? credentialsFromEnvironment();
  if (!credentials)
    throw new OutboundUnavailableError('no AWS credentials in the environment to sign with', 'network');
  return postSigner({ service, region: process.env.AWS_REGION ?? 'us-east-1', credentials })({
    url,
    body,
    headers,
  });
}
