/**
 * The modules a function finds outside its bundle, as in Lambda: the runtime's own (the AWS SDK v3) and those of
 * the public layers the local cloud can stand in for (Powertools for AWS Lambda, TypeScript), each made from the
 * project's install. Only those: a bundle that requires anything else it did not bundle fails here with
 * `Runtime.ImportModuleError`, as it would in Lambda, instead of quietly loading the project's node_modules.
 *
 * Each stand-in is a folder of symbolic links into the project's node_modules (Node follows them to the real
 * package, whose own dependencies resolve from there), made once per project in its own node_modules/.cache:
 * not in the system's temp folder, where another user of the machine could plant a folder or link first and so
 * choose the code every local function loads.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLIC_SSM_PLACEHOLDER } from '../assembly/model.js';

/** The project's root folder (this file is local/lambda/runtime-modules.ts). */
export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

const PROJECT_MODULES = path.join(PROJECT_ROOT, 'node_modules');

/** What Lambda's Node.js runtimes ship besides Node itself: the AWS SDK for JavaScript v3. */
const RUNTIME_PACKAGES = ['@aws-sdk'];

/**
 * Public layers by the name in their ARN (`arn:aws:lambda:<region>:<account>:layer:<name>:<version>`) or the
 * public SSM parameter that names their ARN (`/aws/service/...`, which the local cloud resolves to a
 * `local-ssm:` placeholder), with the packages a stand-in holds.
 */
const PUBLIC_LAYERS: ReadonlyArray<{
  readonly id: string;
  readonly arnName: RegExp;
  readonly parameter: RegExp;
  readonly packages: readonly string[];
}> = [
  {
    id: 'powertools-typescript',
    arnName: /^AWSLambdaPowertoolsTypeScriptV2$/,
    parameter: /^\/aws\/service\/powertools\/typescript\/generic\/all\/[^/]+$/,
    packages: ['@aws-lambda-powertools'],
  },
];

// Per project root: worktrees that share one node_modules (a link) each keep their own links.
const root = path.join(
  PROJECT_MODULES,
  '.cache',
  'commerceforge-local-modules',
  createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12),
);

/** A folder whose `node_modules` links the given top-level package folders of the project's install. */
function standIn(name: string, packages: readonly string[], nodeModules: string): string {
  const dir = path.join(root, name);
  const modules = path.join(dir, nodeModules);
  fs.mkdirSync(modules, { recursive: true });
  for (const pkg of packages) {
    const link = path.join(modules, pkg);
    const target = path.join(PROJECT_MODULES, pkg);
    if (!fs.existsSync(target)) continue;
    try {
      if (fs.readlinkSync(link) === target) continue;
      fs.rmSync(link, { force: true });
    } catch {
      // No link yet.
    }
    try {
      fs.symlinkSync(target, link, 'dir');
    } catch (error) {
      // Another cloud of the same project made it a moment ago.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return dir;
}

let runtimeDir: string | undefined;

/** The folder standing in for the runtime's own node_modules (`/var/runtime/node_modules`). */
export function runtimeModulesDir(): string {
  runtimeDir ??= path.join(standIn('runtime', RUNTIME_PACKAGES, 'node_modules'), 'node_modules');
  return runtimeDir;
}

const layerDirs = new Map<string, string>();

/**
 * The local folder of a public layer a function names (its ARN, or the placeholder of the public parameter that
 * holds it), laid out as Lambda mounts a layer (`nodejs/node_modules`); undefined for a layer the local cloud
 * cannot stand in for (the FIS extension's, for one).
 */
export function publicLayerDir(reference: string): string | undefined {
  const parameter = reference.startsWith(PUBLIC_SSM_PLACEHOLDER)
    ? reference.slice(PUBLIC_SSM_PLACEHOLDER.length)
    : undefined;
  const arnName = /^arn:[^:]+:lambda:[^:]*:[^:]*:layer:([^:]+)(?::\d+)?$/.exec(reference)?.[1];
  const layer = PUBLIC_LAYERS.find((candidate) =>
    parameter !== undefined ? candidate.parameter.test(parameter) : candidate.arnName.test(arnName ?? ''),
  );
  if (!layer) return undefined;
  let dir = layerDirs.get(layer.id);
  if (!dir) {
    dir = standIn(`layer-${layer.id}`, layer.packages, path.join('nodejs', 'node_modules'));
    layerDirs.set(layer.id, dir);
  }
  return dir;
}

/**
 * The same, for an entry of a function's `Layers` in a template as synthesized (before the local cloud resolves
 * it): an ARN, or a `Ref` to a template parameter that reads a public SSM parameter (Powertools' layer).
 */
export function publicLayerDirOfEntry(
  layer: unknown,
  parameters: Readonly<Record<string, { readonly Type?: string; readonly Default?: unknown }>> = {},
): string | undefined {
  if (typeof layer === 'string') return publicLayerDir(layer);
  const ref = (layer as { Ref?: unknown } | null)?.Ref;
  const parameter = typeof ref === 'string' ? parameters[ref] : undefined;
  return parameter?.Type?.startsWith('AWS::SSM::Parameter::Value') && typeof parameter.Default === 'string'
    ? publicLayerDir(`${PUBLIC_SSM_PLACEHOLDER}${parameter.Default}`)
    : undefined;
}
