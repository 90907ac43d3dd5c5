/**
 * The local SSM Parameter Store (`AmazonSSM.*`, JSON protocol 1.1): GetParameter, GetParameters,
 * GetParametersByPath (Recursive, MaxResults, NextToken), PutParameter (Overwrite, versions), DeleteParameter
 * and DeleteParameters, for String and StringList parameters. What the templates declare
 * (`AWS::SSM::Parameter`) is seeded as version 1 (plugin.ts); what callers put lives in memory for the run.
 * Timestamps are epoch seconds, as in the JSON protocol.
 */
import type { AwsJsonService, AwsRequestContext } from '../core/aws-service.js';
import {
  invalidNextToken,
  parameterAlreadyExists,
  parameterNotFound,
  parameterVersionNotFound,
  patternMismatch,
  unknownOperation,
  unsupportedType,
  validation,
} from './errors.js';
import {
  checkNewName,
  DeleteParameterInput,
  DeleteParametersInput,
  GetParameterInput,
  GetParametersByPathInput,
  GetParametersInput,
  normalizePath,
  PutParameterInput,
  parse,
  selector,
} from './input.js';

export type ParameterType = 'String' | 'StringList';

interface Version {
  readonly value: string;
  readonly version: number;
  /** Epoch ms. */
  readonly modifiedAt: number;
}

interface StoredParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly description?: string;
  readonly allowedPattern?: string;
  readonly dataType: string;
  /** Oldest first; the last is the current value. */
  readonly versions: Version[];
}

export interface SeedParameter {
  readonly name: string;
  readonly value: string;
  readonly type: ParameterType;
  readonly description?: string;
  readonly allowedPattern?: string;
}

/** SSM keeps 100 versions of a parameter; past that the oldest goes. */
const MAX_VERSIONS = 100;

export class SsmService implements AwsJsonService {
  readonly targetPrefix = 'AmazonSSM';
  readonly signingName = 'ssm';
  private readonly parameters = new Map<string, StoredParameter>();

  constructor(
    private readonly where: { readonly region: string; readonly accountId: string },
    private readonly now: () => number = Date.now,
  ) {}

  /** A parameter CloudFormation created (version 1). A name seeded twice keeps the last. */
  seed(parameter: SeedParameter): void {
    this.parameters.set(parameter.name, {
      name: parameter.name,
      type: parameter.type,
      dataType: 'text',
      ...(parameter.description ? { description: parameter.description } : {}),
      ...(parameter.allowedPattern ? { allowedPattern: parameter.allowedPattern } : {}),
      versions: [{ value: parameter.value, version: 1, modifiedAt: this.now() }],
    });
  }

  /** The current value of a parameter, or undefined (for plugins and tests). */
  value(name: string): string | undefined {
    return this.parameters.get(name)?.versions.at(-1)?.value;
  }

  get size(): number {
    return this.parameters.size;
  }

  async handle(operation: string, body: unknown, request: AwsRequestContext): Promise<unknown> {
    switch (operation) {
      case 'GetParameter': {
        const input = parse(GetParameterInput, body);
        return { Parameter: this.get(input.Name, request) };
      }
      case 'GetParameters': {
        const input = parse(GetParametersInput, body);
        const found: unknown[] = [];
        const invalid: string[] = [];
        for (const name of new Set(input.Names)) {
          try {
            found.push(this.get(name, request));
          } catch {
            invalid.push(name);
          }
        }
        return { Parameters: found, InvalidParameters: invalid };
      }
      case 'GetParametersByPath':
        return this.byPath(parse(GetParametersByPathInput, body), request);
      case 'PutParameter':
        return this.put(parse(PutParameterInput, body));
      case 'DeleteParameter': {
        const { Name } = parse(DeleteParameterInput, body);
        if (!this.parameters.delete(Name)) throw parameterNotFound(Name);
        return {};
      }
      case 'DeleteParameters': {
        const { Names } = parse(DeleteParametersInput, body);
        const deleted = Names.filter((name) => this.parameters.delete(name));
        return { DeletedParameters: deleted, InvalidParameters: Names.filter((n) => !deleted.includes(n)) };
      }
      default:
        throw unknownOperation(operation);
    }
  }

  private get(nameOrArn: string, request: AwsRequestContext) {
    const { name, version } = selector(nameOrArn);
    const parameter = this.parameters.get(name);
    if (!parameter) throw parameterNotFound(nameOrArn);
    const at =
      version === undefined
        ? parameter.versions.at(-1)
        : parameter.versions.find((v) => v.version === version);
    if (!at) throw parameterVersionNotFound(name, version ?? 0);
    return this.describe(parameter, at, request, version !== undefined ? nameOrArn : undefined);
  }

  private byPath(input: ReturnType<typeof GetParametersByPathInput.parse>, request: AwsRequestContext) {
    const path = normalizePath(input.Path);
    const prefix = path === '/' ? '/' : `${path}/`;
    const matching = [...this.parameters.values()]
      .filter(
        (p) => p.name.startsWith(prefix) && (input.Recursive || !p.name.slice(prefix.length).includes('/')),
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    // The token is the last name returned, bound to the path, so a token of another query is refused.
    let start = 0;
    if (input.NextToken !== undefined) {
      const after = decodeToken(input.NextToken, path);
      start = matching.findIndex((p) => p.name > after);
      if (start < 0) start = matching.length;
    }
    const page = matching.slice(start, start + (input.MaxResults ?? 10));
    const more = start + page.length < matching.length;
    return {
      Parameters: page.map((p) => this.describe(p, p.versions.at(-1)!, request)),
      ...(more ? { NextToken: encodeToken(path, page.at(-1)!.name) } : {}),
    };
  }

  private put(input: ReturnType<typeof PutParameterInput.parse>) {
    const existing = this.parameters.get(input.Name);
    if (existing && !input.Overwrite) throw parameterAlreadyExists();
    if (input.Overwrite && input.Tags?.length)
      throw validation(
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      );
    if (!existing) checkNewName(input.Name);
    const type = input.Type ?? existing?.type;
    if (type === undefined) throw validation('A parameter type is required when you create a parameter.');
    if (type !== 'String' && type !== 'StringList') {
      if (type === 'SecureString') throw unsupportedType(type);
      throw validation(
        `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
      );
    }
    const allowedPattern = input.AllowedPattern ?? existing?.allowedPattern;
    if (allowedPattern !== undefined && !matches(allowedPattern, input.Value))
      throw patternMismatch(allowedPattern);
    const previous = existing?.versions ?? [];
    const version = (previous.at(-1)?.version ?? 0) + 1;
    const versions = [...previous, { value: input.Value, version, modifiedAt: this.now() }].slice(
      -MAX_VERSIONS,
    );
    const description = input.Description ?? existing?.description;
    this.parameters.set(input.Name, {
      name: input.Name,
      type,
      dataType: input.DataType ?? existing?.dataType ?? 'text',
      ...(description !== undefined ? { description } : {}),
      ...(allowedPattern !== undefined ? { allowedPattern } : {}),
      versions,
    });
    return { Version: version, Tier: 'Standard' };
  }

  private describe(parameter: StoredParameter, at: Version, request: AwsRequestContext, selected?: string) {
    const region = request.region || this.where.region;
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: at.value,
      Version: at.version,
      ...(selected !== undefined ? { Selector: selected.slice(selected.lastIndexOf(':')) } : {}),
      LastModifiedDate: at.modifiedAt / 1000,
      ARN: `arn:aws:ssm:${region}:${this.where.accountId}:parameter/${parameter.name.replace(/^\//, '')}`,
      DataType: parameter.dataType,
    };
  }
}

/** An AllowedPattern is a regular expression the whole value must match; an invalid one refuses the put. */
function matches(pattern: string, value: string): boolean {
  let expression: RegExp;
  try {
    expression = new RegExp(`^(?:${pattern})$`);
  } catch {
    throw validation(`AllowedPattern ${pattern} is not a valid regular expression.`);
  }
  return expression.test(value);
}

function encodeToken(path: string, lastName: string): string {
  return Buffer.from(JSON.stringify({ p: path, a: lastName }), 'utf8').toString('base64url');
}

function decodeToken(token: string, path: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      p?: unknown;
      a?: unknown;
    };
    if (decoded.p === path && typeof decoded.a === 'string') return decoded.a;
  } catch {
    // Refused below.
  }
  throw invalidNextToken();
}
