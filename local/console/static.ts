/**
 * The console's files: its own page and modules (`local/console/ui/`), and the few browser libraries it
 * imports, taken from node_modules as published (no CDN, no build step). Only the files listed here are
 * served: a path is never joined onto a folder, so no request can read anything else.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from '../server/router.js';

const UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url));
const require = createRequire(import.meta.url);

/** Import-map names → [package, the ES module file inside it] of the installed packages. */
const VENDOR: Record<string, readonly [string, string]> = {
  'preact.js': ['preact', 'dist/preact.module.js'],
  'preact-hooks.js': ['preact', 'hooks/dist/hooks.module.js'],
  'htm.js': ['htm', 'dist/htm.module.js'],
  'htm-preact.js': ['htm', 'preact/index.module.js'],
  'dagre.js': ['@dagrejs/dagre', 'dist/dagre.esm.js'],
};

/** The package's folder: its exports hide the browser builds from `require.resolve`, its main file does not. */
function packageDir(name: string): string {
  const main = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  return main.slice(0, main.lastIndexOf(marker) + marker.length);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** What every console response carries: nothing loads from elsewhere, and no other site may frame it. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Read at each request (a few small files): an edit to the UI shows at the next reload of the page. */
function read(file: string): Buffer {
  return readFileSync(file);
}

/** `index.html`, `app.js`, `panels/sagas.js`...: a name of the UI folder, checked against what is there. */
const UI_NAME = /^(?:[a-z][a-z0-9-]*\/)?[a-z][a-z0-9-]*\.(?:html|js|css)$/;

export function uiFile(name: string): HttpResponse | undefined {
  if (!UI_NAME.test(name)) return undefined;
  const file = path.join(UI_DIR, name);
  let body: Buffer;
  try {
    body = read(file);
  } catch {
    return undefined;
  }
  const response = file200(body, path.extname(file));
  return name === 'index.html' ? allowImportMap(response, body.toString('utf8')) : response;
}

/** The page's import map is its one inline script: allowed by its hash, so no other inline script runs. */
function allowImportMap(response: HttpResponse, html: string): HttpResponse {
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (map === undefined) return response;
  const hash = createHash('sha256').update(map).digest('base64');
  const csp = SECURITY_HEADERS['content-security-policy']!.replace(
    "script-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
  );
  return { ...response, headers: { ...response.headers, 'content-security-policy': csp } };
}

export function vendorFile(name: string): HttpResponse | undefined {
  const entry = VENDOR[name];
  if (!entry) return undefined;
  return file200(read(path.join(packageDir(entry[0]), entry[1])), '.js');
}

function file200(body: Buffer, extension: string): HttpResponse {
  return {
    status: 200,
    headers: {
      'content-type': TYPES[extension] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    },
    body,
  };
}
