/**
 * Subscriptions, locally: `SubscriptionHub.subscribe` is the transport-free core (validation, auth, the
 * subscription resolver, argument filtering) that the server-sent events below and the real-time WebSocket
 * (realtime.ts) share. As server-sent events, a client opens `GET /graphql/subscriptions?query=...`
 * (`variables` as JSON, `operationName` optional) with the same auth headers as a query; the stream sends
 * `start_ack` once subscribed, then one `data` event per matching mutation (`{"data": {...}}`, as AppSync's
 * real-time `data` message carries it), and a `ka` event every 60 s. The subscription field must carry
 * `@aws_subscribe(mutations: [...])`; a successful listed mutation is delivered when every argument the
 * subscriber gave equals the same-named field of the mutation's result (AppSync's argument filtering).
 * A subscription field with a resolver runs it once, when the client subscribes, as AppSync does: the stream
 * opens, then either `start_ack` (the resolver answered without error) or, as AppSync's real-time `error`
 * message, an `error` event `{"errors": [...]}` that ends the stream. Its value is never delivered.
 */
import type { ServerResponse } from 'node:http';
import {
  type FieldNode,
  getArgumentValues,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { type AuthConfig, type Caller, fieldAllows } from './auth.js';
import { type AppSyncResponse, authDirectives, type ExecutableApi, failure, isRecord } from './executable.js';

interface Subscriber {
  readonly fieldName: string;
  readonly mutations: ReadonlySet<string>;
  readonly args: Record<string, unknown>;
  readonly deliver: (mutationField: string, payload: unknown) => void;
}

/** Where a subscription's messages go: an event stream, a WebSocket connection. */
export interface SubscriptionSink {
  /** Subscribed: AppSync's `start_ack`. */
  ack(): void;
  /** One delivery: `{data: {...}}` (or `{data, errors}`), AppSync's `data` payload. */
  data(result: AppSyncResponse): void;
  /** The subscription resolver refused: AppSync's `error`; the subscription is over. */
  error(errors: readonly unknown[]): void;
  /** The hub is closing (the local cloud stops). */
  close(): void;
}

export interface SubscriptionRequest {
  readonly query: unknown;
  readonly variables?: Record<string, unknown> | undefined;
  readonly operationName?: string | undefined;
}

/** A refusal before anything is subscribed (AppSync's answer), or the live subscription's stop. */
export type Subscribed = { readonly refused: AppSyncResponse } | { readonly stop: () => void };

const KEEP_ALIVE_MS = 60_000;

export class SubscriptionHub {
  private readonly subscribers = new Set<Subscriber>();
  /** Every subscription this hub serves or is starting, with its sink (to close them all). */
  private readonly open_ = new Map<object, SubscriptionSink>();
  private nextId = 1;

  get size(): number {
    return this.subscribers.size;
  }

  /** Connects a mutation stream of `api` to this hub. */
  attach(api: ExecutableApi): () => void {
    return api.onMutation((mutationField, payload) => {
      for (const subscriber of this.subscribers) {
        if (!subscriber.mutations.has(mutationField)) continue;
        if (!matches(subscriber.args, payload)) continue;
        subscriber.deliver(mutationField, payload);
      }
    });
  }

  /**
   * Subscribes `caller` with `request` whatever the transport: a refusal is returned at once (nothing is
   * subscribed); otherwise the subscription field's resolver, if it has one, runs once, then the sink gets
   * `ack` and a `data` per matching mutation, or `error` when the resolver refused.
   */
  subscribe(
    api: ExecutableApi,
    auth: AuthConfig,
    caller: Caller,
    request: SubscriptionRequest,
    headers: Record<string, string>,
    sink: SubscriptionSink,
  ): Subscribed {
    const { variables, operationName } = request;
    const prepared = api.prepare({ query: request.query, variables, operationName });
    if (!('document' in prepared)) return { refused: prepared };
    const accepted = this.accept(api, auth, caller, prepared.operation, variables);
    if (!('fieldName' in accepted)) return { refused: accepted };

    const token = {};
    let subscriber: Subscriber | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      this.open_.delete(token);
      if (subscriber) this.subscribers.delete(subscriber);
    };
    this.open_.set(token, sink);
    const register = () => {
      if (stopped) return;
      sink.ack();
      subscriber = {
        fieldName: accepted.fieldName,
        mutations: accepted.mutations,
        args: accepted.args,
        deliver: (_mutationField, payload) => {
          void api
            .replay(prepared.document, variables, operationName, accepted.fieldName, payload, caller)
            .then((result: AppSyncResponse) => {
              if (!stopped) sink.data(result);
            });
        },
      };
      this.subscribers.add(subscriber);
    };
    const subscriptionType = api.schema.getSubscriptionType()?.name ?? 'Subscription';
    if (!api.hasResolver(subscriptionType, accepted.fieldName)) {
      // Acknowledged once the caller has its handle (and an event stream its headers).
      queueMicrotask(register);
      return { stop };
    }
    void api
      .start(prepared.document, variables, operationName, caller, headers)
      .catch((error: unknown) => failure('InternalFailure', String(error)))
      .then((started) => {
        if (!started.errors?.length) return register();
        if (stopped) return;
        stop();
        sink.error(started.errors);
      });
    return { stop };
  }

  /**
   * The server-sent-events transport: validates the subscription and, when it is valid, answers with the
   * event stream (synchronously: the headers are sent before this returns). A refusal before the stream
   * opens is a JSON answer; the subscription field's resolver, if it has one, answers on the stream.
   */
  open(
    api: ExecutableApi,
    auth: AuthConfig,
    caller: Caller | undefined,
    res: ServerResponse,
    url: URL,
    headers: Record<string, string> = {},
  ): void {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!caller) {
      answer(401, {
        errors: [
          { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
        ],
      });
      return;
    }
    let variables: Record<string, unknown> | undefined;
    try {
      const raw = url.searchParams.get('variables');
      const parsed = raw ? (JSON.parse(raw) as unknown) : undefined;
      variables = isRecord(parsed) ? parsed : undefined;
    } catch {
      answer(400, failure('MalformedHttpRequestException', 'variables is not JSON'));
      return;
    }
    const operationName = url.searchParams.get('operationName') ?? undefined;
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded && !res.destroyed)
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let keepAlive: NodeJS.Timeout | undefined;
    const end = () => {
      clearInterval(keepAlive);
      if (!res.writableEnded) res.end();
    };
    let id = 0;
    const subscribed = this.subscribe(
      api,
      auth,
      caller,
      { query: url.searchParams.get('query'), variables, operationName },
      headers,
      {
        ack: () => {
          send('start_ack', { id: String(id) });
          keepAlive = setInterval(() => send('ka', {}), KEEP_ALIVE_MS);
          keepAlive.unref();
        },
        data: (result) => send('data', result),
        error: (errors) => {
          send('error', { errors });
          end();
        },
        close: end,
      },
    );
    if ('refused' in subscribed) {
      answer(400, subscribed.refused);
      return;
    }
    id = this.nextId++;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // A subscription without a resolver is acknowledged at once: before the headers. Send what it queued.
    // The request's own 'close' fires once its (empty) body is read: the response's fires when the client goes.
    res.on('close', () => {
      subscribed.stop();
      end();
    });
  }

  closeAll(): void {
    const sinks = [...this.open_.values()];
    this.open_.clear();
    this.subscribers.clear();
    for (const sink of sinks) sink.close();
  }

  private accept(
    api: ExecutableApi,
    auth: AuthConfig,
    caller: Caller,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
  ): { fieldName: string; mutations: Set<string>; args: Record<string, unknown> } | AppSyncResponse {
    const subscriptionType = api.schema.getSubscriptionType();
    if (operation.operation !== 'subscription' || !subscriptionType) {
      return failure('ValidationError', 'the operation is not a subscription');
    }
    const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    const [node] = fields;
    if (!node || fields.length !== 1 || operation.selectionSet.selections.length !== 1) {
      return failure('ValidationError', 'a subscription selects exactly one field');
    }
    const field = subscriptionType.getFields()[node.name.value];
    if (!field) return failure('ValidationError', `no subscription field ${node.name.value}`);
    if (
      !fieldAllows(
        caller,
        auth.defaultAuth.type,
        authDirectives(field.astNode?.directives),
        authDirectives(subscriptionType.astNode?.directives),
      )
    ) {
      return failure(
        'Unauthorized',
        `Not Authorized to access ${field.name} on type ${subscriptionType.name}`,
      );
    }
    const subscribe = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const list = subscribe?.arguments?.find((a) => a.name.value === 'mutations')?.value;
    const mutations = new Set(
      list?.kind === Kind.LIST ? list.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [],
    );
    if (!mutations.size) {
      return failure(
        'ValidationError',
        `${field.name} has no @aws_subscribe(mutations: [...]): nothing would trigger it`,
      );
    }
    const coerced = getVariableValues(api.schema, operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return failure('ValidationError', coerced.errors.map((e) => e.message).join('; '));
    const args = getArgumentValues(field, node, coerced.coerced);
    return { fieldName: field.name, mutations, args };
  }
}

/** AppSync's subscription filter: each argument given (not null) equals the result's field of that name. */
export function matches(args: Record<string, unknown>, payload: unknown): boolean {
  if (!isRecord(payload)) return Object.values(args).every((v) => v === null || v === undefined);
  return Object.entries(args).every(
    ([name, value]) =>
      value === null || value === undefined || JSON.stringify(payload[name]) === JSON.stringify(value),
  );
}
