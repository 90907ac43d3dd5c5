/**
 * Hooks on the endpoint's HTTP server for what the router's buffered request/response cannot do: event
 * streams and WebSocket upgrades.
 */
import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from '../server/router.js';
import { failure } from './executable.js';

/** The router's HTTP server, when it is reachable. */
export function serverOf(router: Router): Server | undefined {
  const server = (router as unknown as { server?: unknown }).server;
  return server instanceof Server ? server : undefined;
}

/**
 * The router answers each request with one buffered response, so an event stream needs the HTTP server
 * itself: a `request` listener placed before the router's, answering synchronously (the router then sees
 * `headersSent` and leaves the response alone). Returns undefined when the server is not reachable.
 */
export function attachEventStreams(
  router: Router,
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean,
): (() => void) | undefined {
  const server = serverOf(router);
  if (!server) return undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res, new URL(req.url ?? '/', 'http://localhost'));
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(failure('InternalFailure', String(error))));
      }
    }
  };
  server.prependListener('request', listener);
  return () => server.off('request', listener);
}

/**
 * Takes the WebSocket upgrades `handle` wants (it returns false for others). An upgrade nobody takes is
 * answered 404 when this is the server's only upgrade listener (Node would leave the socket hanging).
 */
export function attachUpgrades(
  router: Router,
  handle: (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean,
): (() => void) | undefined {
  const server = serverOf(router);
  if (!server) return undefined;
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let taken = false;
    try {
      taken = handle(req, socket, head, new URL(req.url ?? '/', 'http://localhost'));
    } catch {
      socket.destroy();
      return;
    }
    if (!taken && server.listenerCount('upgrade') === 1)
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  };
  server.on('upgrade', listener);
  return () => server.off('upgrade', listener);
}
