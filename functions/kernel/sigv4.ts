import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * Signing a JSON POST as IAM (SigV4) with the function's own credentials, for the few AWS calls made without an
 * SDK client: AppSync as IAM (graphql/iam-client.ts), a function URL (outbound.ts), CodeDeploy's hook status
 * (deployment/codedeploy.ts). `@smithy/signature-v4` is bundled (only `@aws-sdk/*` is external), so the signer
 * does not depend on the runtime's SDK version; SHA-256 comes from node:crypto instead of
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

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The credentials Lambda puts in a function's environment; undefined when there are none (each caller says why). */
export function credentialsFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export interface PostToSign {
  readonly url: URL;
  readonly body: string;
  /** The request's headers; `host` is set from the URL. */
  readonly headers: Record<string, string>;
}

/**
 * A signer for POSTs to one AWS service (`appsync`, `lambda`, `codedeploy`) in `region`: it answers the headers
 * to send. The credentials are asked for at each signature.
 */
export function postSigner(options: {
  readonly service: string;
  readonly region: string;
  readonly credentials: Credentials | (() => Promise<Credentials>);
}): (request: PostToSign) => Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    sha256: NodeSha256,
    credentials: options.credentials,
  });
  return async ({ url, body, headers }) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers as Record<string, string>;
  };
}
