import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { KernelError } from '../errors.js';

/**
 * A service calling an AppSync API as IAM: the request is signed with SigV4 (service `appsync`) with the
 * function's own credentials. `@smithy/signature-v4` is bundled (only `@aws-sdk/*` is external), so the
 * signer does not depend on the runtime's SDK version; SHA-256 comes from node:crypto instead of
 * `@aws-crypto/sha256-js`, which is not a dependency here.
 */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : new Uint8Array(this.secret);
    return createHmac('sha256', key);
  }
}

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
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
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
  const signer = new SignatureV4({
    service: 'appsync',
    region,
    sha256: NodeSha256,
    credentials: async () => options.credentials ?? credentialsFromEnvironment(),
  });
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const body = JSON.stringify({ query, variables });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { 'content-type': 'application/json', host: url.host },
      body,
    });
    const response = await send(url, { method: 'POST', headers: signed.headers, body });
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

function credentialsFromEnvironment() {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new GraphQLRequestError('no AWS credentials in the environment to sign with', 0);
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
