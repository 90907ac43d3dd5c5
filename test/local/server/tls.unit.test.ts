/**
 * The opt-in TLS listener: off unless a port is given; on, it serves the plain endpoint's requests over HTTPS
 * with the project's certificate (made once with openssl, reused), which a client trusts through `ca`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import { quietLogger } from '../../../local/core/log.js';
import { tlsListenerPlugin } from '../../../local/server/tls.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cf-tls-'));
const plain = createServer((req, res) => res.end(`plain answered ${req.url}`));
const cloud = { router: { server: plain }, logger: quietLogger } as unknown as LocalCloud;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, ca?: Buffer) =>
  new Promise<string>((resolve, reject) => {
    const req = request(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });

describe('the TLS listener', () => {
  it('is off without a port', async () => {
    const plugin = tlsListenerPlugin({ certificateDir: path.join(dir, 'off') });
    await plugin.start(cloud);
    expect(plugin.url).toBeUndefined();
  });

  it("serves the endpoint over HTTPS with the project's certificate, made once", async () => {
    const certificateDir = path.join(dir, 'tls');
    const first = tlsListenerPlugin({ port: 0, certificateDir });
    await first.start(cloud);
    try {
      const ca = readFileSync(first.certificatePath);
      expect(await get(`${first.url}/health`, ca)).toBe('plain answered /health');
      // Not trusted without the certificate.
      await expect(get(`${first.url}/health`)).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await first.stop?.();
    }
    const again = tlsListenerPlugin({ port: 0, certificateDir });
    const before = readFileSync(again.certificatePath, 'utf8');
    await again.start(cloud);
    await again.stop?.();
    expect(readFileSync(again.certificatePath, 'utf8')).toBe(before);
  }, 30_000);
});
