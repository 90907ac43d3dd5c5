/**
 * A service calling an AppSync API as IAM: each request is signed with SigV4 (service `appsync`) with the
 * function's own credentials (../sigv4.ts).
 */
import { KernelError } from '../errors.js';
import { type Credentials, credentialsFromEnvironment, postSigner } from '../sigv4.js';

/** The API answered with an HTTP error or GraphQL errors: thrown so the caller's retry policy applies. */
export class GraphQLRequestError extends KernelError {
  override readonly name = 'GraphQLRequestError';
  readonly code = 'GRAPHQL_REQUEST_FAILED';
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/** The variable that gives a function the GraphQL endpoint its signed client calls (the Api stack sets it). */
export const GRAPHQL_URL_ENV = 'GRAPHQL_URL';

export interface SignedGraphQLOptions {
  /** The API's GraphQL URL (`GraphQLUrl`). */
  readonly url: string;
  /** @default process.env.AWS_REGION */
  readonly region?: string;
  /** @default the function's credentials from the environment */
  readonly credentials?: Credentials;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export type SignedGraphQLClient = <T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
) => Promise<T>;

/** A GraphQL client that signs every request as IAM; it throws GraphQLRequestError on any error. */
export function signedGraphQLClient(options: SignedGraphQLOptions): SignedGraphQLClient {
  const url = new URL(options.url);
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const send = options.fetch ?? fetch;
  const sign = postSigner({
    service: 'appsync',
    region,
    credentials: async () => options.credentials ?? environmentCredentials(),
  });
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const body = JSON.stringify({ query, variables });
    const headers = await sign({ url, body, headers: { 'content-type': 'application/json' } });
    const response = await send(url, { method: 'POST', headers, body });
    const text = await response.text();
    let answer: { data?: T | null; errors?: unknown[] } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!response.ok || answer.errors?.length || !answer.data) {
      throw new GraphQLRequestError(
        `GraphQL request to ${url.host} failed (${response.status}): ${text.slice(0, 500)}`,
        response.status,
        answer.errors ?? [],
      );
    }
    return answer.data;
  };
}

function environmentCredentials(): Credentials {
  const credentials = credentialsFromEnvironment();
  if (!credentials) throw new GraphQLRequestError('no AWS credentials in the environment to sign with', 0);
  return credentials;
}
