/**
 * AppSync's real-time WebSocket protocol, locally (what Amplify JS v6 and aws-appsync-subscription-link speak):
 * a WebSocket on `.../graphql/realtime` with subprotocol `graphql-ws`, the caller's auth headers as a
 * `header-<base64url JSON>` subprotocol or, from older clients, `?header=<base64 JSON>&payload=e30=`.
 * `connection_init` → `connection_ack {connectionTimeoutMs}` and a `ka` now and then; `start {id, payload:
 * {data, extensions: {authorization}}}` → `start_ack` then `data` per delivery; `stop` → `complete`. Failures are
 * AppSync's `connection_error` / `error` messages with an `errorType` (and `errorCode` 401 for auth, which the
 * clients take as final instead of retrying). Subscriptions go through the same `SubscriptionHub` as the
 * event-stream endpoint: same validation, auth directives, subscription resolver and filters.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { AuthConfig, Caller } from './auth.js';
import { type AppSyncResponse, type ExecutableApi, isRecord } from './executable.js';
import type { SubscriptionHub } from './subscriptions.js';

export interface RealtimeApi {
  readonly api: ExecutableApi;
  readonly auth: AuthConfig;
  readonly hub: SubscriptionHub;
}

export interface RealtimeOptions {
  /** Who is calling, from the headers the client sent (in the handshake, or a `start`'s `authorization`). */
  readonly authenticate: (
    api: RealtimeApi,
    headers: Record<string, string>,
    sourceIp?: string,
  ) => Caller | undefined;
  /** @default 60000 (AppSync's keep-alive period) */
  readonly keepAliveMs?: number;
  /** Counted per message sent (usage). */
  readonly onMessage?: () => void;
}

/** What AppSync tells the client to wait for a `ka` before giving the connection up. */
export const CONNECTION_TIMEOUT_MS = 300_000;
/** AppSync's limits: message size, subscriptions per connection, and the subscription id's length. */
const MAX_MESSAGE_BYTES = 240 * 1024;
const MAX_SUBSCRIPTIONS = 100;
const MAX_ID_LENGTH = 128;
const UNAUTHORIZED = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
  errorCode: 401,
};

export class RealtimeEndpoint {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has('graphql-ws') ? 'graphql-ws' : false),
  });

  constructor(private readonly options: RealtimeOptions) {}

  /** Takes an HTTP upgrade for `target`; the socket belongs to the endpoint afterwards. */
  upgrade(target: RealtimeApi, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes('graphql-ws')) {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nsubprotocol graphql-ws is required\n',
      );
      return;
    }
    const headers = handshakeHeaders(offered, url);
    this.server.handleUpgrade(req, socket, head, (ws) =>
      this.connection(target, ws, headers, req.socket.remoteAddress),
    );
  }

  close(): void {
    for (const client of this.server.clients) client.close(1001, 'the local cloud is stopping');
    this.server.close();
  }

  private connection(
    target: RealtimeApi,
    ws: WebSocket,
    headers: Record<string, string> | undefined,
    sourceIp: string | undefined,
  ): void {
    const send = (message: Record<string, unknown>) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(message));
      this.options.onMessage?.();
    };
    const caller = headers ? this.options.authenticate(target, headers, sourceIp) : undefined;
    const subscriptions = new Map<string, () => void>();
    let keepAlive: NodeJS.Timeout | undefined;
    // A client that never says connection_init is dropped, as AppSync does.
    const initTimer = setTimeout(() => ws.close(1002, 'no connection_init'), 15_000);
    initTimer.unref();
    let initialized = false;

    const refuseConnection = (error: Record<string, unknown>) => {
      send({ type: 'connection_error', payload: { errors: [error] } });
      ws.close(1008, String(error.errorType));
    };
    const startError = (id: string | undefined, errors: readonly unknown[]) =>
      send({ type: 'error', ...(id === undefined ? {} : { id }), payload: { errors } });

    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const message = isBinary ? undefined : parseMessage(raw);
      if (!message) {
        startError(undefined, [
          { errorType: 'MalformedMessage', message: 'a message is one JSON object with a type' },
        ]);
        return;
      }
      const id = typeof message.id === 'string' ? message.id : undefined;
      switch (message.type) {
        case 'connection_init': {
          clearTimeout(initTimer);
          if (!caller) return refuseConnection(UNAUTHORIZED);
          if (initialized) return;
          initialized = true;
          send({ type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
          send({ type: 'ka' });
          keepAlive = setInterval(() => send({ type: 'ka' }), this.options.keepAliveMs ?? 60_000);
          keepAlive.unref();
          return;
        }
        case 'start': {
          if (!initialized)
            return refuseConnection({
              errorType: 'BadRequestException',
              message: 'start before connection_init',
            });
          if (!id || id.length > MAX_ID_LENGTH)
            return startError(id, [
              {
                errorType: 'BadRequestException',
                message: `a subscription id is 1 to ${MAX_ID_LENGTH} characters`,
              },
            ]);
          if (subscriptions.has(id))
            return startError(id, [
              { errorType: 'DuplicatedOperationError', message: 'Duplicated operation with id ' + id },
            ]);
          if (subscriptions.size >= MAX_SUBSCRIPTIONS)
            return startError(id, [
              {
                errorType: 'MaxSubscriptionsReachedError',
                message: 'Max number of 100 subscriptions reached',
              },
            ]);
          return this.start(
            target,
            id,
            message.payload,
            { caller: caller!, headers: headers ?? {} },
            sourceIp,
            subscriptions,
            send,
            startError,
          );
        }
        case 'stop': {
          if (!id) return;
          subscriptions.get(id)?.();
          subscriptions.delete(id);
          send({ type: 'complete', id });
          return;
        }
        default:
          startError(id, [
            { errorType: 'UnsupportedOperation', message: `unknown message type ${String(message.type)}` },
          ]);
      }
    });
    ws.on('close', () => {
      clearTimeout(initTimer);
      clearInterval(keepAlive);
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    });
    ws.on('error', () => ws.terminate());
  }

  private start(
    target: RealtimeApi,
    id: string,
    payload: unknown,
    connection: { readonly caller: Caller; readonly headers: Record<string, string> },
    sourceIp: string | undefined,
    subscriptions: Map<string, () => void>,
    send: (message: Record<string, unknown>) => void,
    startError: (id: string | undefined, errors: readonly unknown[]) => void,
  ) {
    const request =
      isRecord(payload) && typeof payload.data === 'string' ? parseJson(payload.data) : undefined;
    if (!request)
      return startError(id, [
        { errorType: 'BadRequestException', message: 'payload.data is not a JSON GraphQL request' },
      ]);
    // Each start carries its own authorization (AppSync authorizes every subscription, not just the connection).
    const extensions = isRecord(payload) && isRecord(payload.extensions) ? payload.extensions : undefined;
    const own =
      extensions && isRecord(extensions.authorization) ? stringHeaders(extensions.authorization) : undefined;
    const caller = own ? this.options.authenticate(target, own, sourceIp) : connection.caller;
    if (!caller) return startError(id, [UNAUTHORIZED]);
    const variables = isRecord(request.variables) ? request.variables : undefined;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    let acknowledged = false;
    const subscribed = target.hub.subscribe(
      target.api,
      target.auth,
      caller,
      { query: request.query, variables, operationName },
      // What the subscription resolver sees as `ctx.request.headers`.
      own ?? connection.headers,
      {
        ack: () => {
          acknowledged = true;
          send({ type: 'start_ack', id });
        },
        data: (result: AppSyncResponse) => {
          if (acknowledged) send({ type: 'data', id, payload: result });
        },
        error: (errors) => {
          subscriptions.delete(id);
          startError(id, errors);
        },
        close: () => subscriptions.delete(id),
      },
    );
    if ('refused' in subscribed) return startError(id, subscribed.refused.errors ?? []);
    subscriptions.set(id, subscribed.stop);
  }
}

/** The handshake's auth headers: the `header-` subprotocol (base64url), else `?header=` (base64). */
export function handshakeHeaders(protocols: readonly string[], url: URL): Record<string, string> | undefined {
  const fromProtocol = protocols.find((p) => p.startsWith('header-'))?.slice('header-'.length);
  const encoded = fromProtocol ?? url.searchParams.get('header') ?? undefined;
  if (!encoded) return undefined;
  const decoded = parseJson(Buffer.from(encoded, fromProtocol ? 'base64url' : 'base64').toString('utf8'));
  return decoded ? stringHeaders(decoded) : undefined;
}

/** Header names lower-cased (as Node gives HTTP headers), string values only. */
function stringHeaders(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record))
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

function parseMessage(raw: RawData): Record<string, unknown> | undefined {
  const text = Array.isArray(raw)
    ? Buffer.concat(raw).toString('utf8')
    : Buffer.from(raw as ArrayBuffer).toString('utf8');
  const value = parseJson(text);
  return value && typeof value.type === 'string' ? value : undefined;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
