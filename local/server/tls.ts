/**
 * An opt-in TLS listener: the same endpoint (every route, event stream and WebSocket) over HTTPS, for clients
 * that only dial TLS — Amplify JS always opens `wss://` for subscriptions. On with `LOCAL_TLS_PORT` (or the
 * `port` option). The certificate is the project's own, for `localhost` and `127.0.0.1`, made with `openssl`
 * at first use in `.local-data/tls/` (git-ignored) and reused afterwards; clients trust it with
 * `NODE_EXTRA_CA_CERTS=.local-data/tls/cert.pem` or a `ca` option. Node cannot make an X.509 certificate itself,
 * and no certificate package is installed: `openssl` is on every machine this runs on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { PROJECT_ROOT } from '../lambda/runtime-env.js';

export const TLS_PORT_ENV = 'LOCAL_TLS_PORT';

export interface TlsListenerOptions {
  /** 0 picks a free port. @default process.env.LOCAL_TLS_PORT; no listener when neither is set */
  readonly port?: number;
  /** @default <project>/.local-data/tls */
  readonly certificateDir?: string;
}

export interface TlsListenerPlugin extends LocalCloudPlugin {
  /** e.g. `https://localhost:4567`, once it listens. */
  readonly url: string | undefined;
  /** The certificate (PEM) clients are to trust. */
  readonly certificatePath: string;
}

export function tlsListenerPlugin(options: TlsListenerOptions = {}): TlsListenerPlugin {
  const dir = options.certificateDir ?? path.join(PROJECT_ROOT, '.local-data', 'tls');
  const certificatePath = path.join(dir, 'cert.pem');
  let server: Server | undefined;
  let url: string | undefined;
  return {
    name: 'tls',
    resourceTypes: [],
    certificatePath,
    get url() {
      return url;
    },
    async start(cloud: LocalCloud) {
      const raw = options.port ?? process.env[TLS_PORT_ENV];
      if (raw === undefined || raw === '') return;
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`${TLS_PORT_ENV} must be a port number, not ${raw}`);
      const { key, cert } = localCertificate(dir);
      const plain = (cloud.router as unknown as { server?: import('node:http').Server }).server;
      if (!plain) throw new Error('the endpoint has no HTTP server to serve over TLS');
      // The plain server's listeners (router, event streams, WebSocket upgrades) serve both.
      const tls = createServer({ key, cert }, (req, res) => plain.emit('request', req, res));
      tls.on('upgrade', (req, socket, head) => plain.emit('upgrade', req, socket, head));
      await new Promise<void>((resolve, reject) => {
        tls.once('error', reject);
        tls.listen(port, '127.0.0.1', () => resolve());
      });
      server = tls;
      url = `https://localhost:${(tls.address() as AddressInfo).port}`;
      cloud.logger.info(`  tls: ${url} (trust ${path.relative(PROJECT_ROOT, certificatePath)})`);
    },
    async stop() {
      const tls = server;
      server = undefined;
      if (!tls) return;
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    },
    health: () => (url ? { url, certificate: path.relative(PROJECT_ROOT, certificatePath) } : 'off'),
  };
}

/** The project's local certificate, made once (atomically: a folder renamed into place, so parallel starts agree). */
export function localCertificate(dir: string): { key: Buffer; cert: Buffer } {
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  if (!existsSync(certPath)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    const work = mkdtempSync(`${dir}-`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '825',
        '-keyout',
        path.join(work, 'key.pem'),
        '-out',
        path.join(work, 'cert.pem'),
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: 'ignore' },
    );
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another start made it first
    }
  }
  return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
}
